package ui

import (
	"context"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/storage"
)

// Store is what the designer and the design library need from the
// database. *storage.DB has it (main checks: var _ ui.Store =
// (*storage.DB)(nil)); every call is made off the UI goroutine.
type Store interface {
	SaveDesign(ctx context.Context, in storage.DesignInput) (storage.Design, storage.Revision, error)
	Design(ctx context.Context, id int64) (storage.Design, error)
	Designs(ctx context.Context, f storage.Filter) ([]storage.DesignSummary, error)
	Revision(ctx context.Context, design int64, number int) (storage.Revision, error)
	Revisions(ctx context.Context, design int64) ([]storage.Revision, error)
	RestoreRevision(ctx context.Context, design int64, number int) (storage.Design, storage.Revision, error)
	RenameDesign(ctx context.Context, id int64, name string) error
	DuplicateDesign(ctx context.Context, id int64, name string) (storage.Design, error)
	TrashDesign(ctx context.Context, id int64) error
	RestoreDesign(ctx context.Context, id int64) error
	PurgeDesign(ctx context.Context, id int64) error

	ImportCatalog(ctx context.Context, src []byte, kind string, cat *catalog.Catalog, sig storage.Signature) (storage.CatalogRecord, error)
	Catalogs(ctx context.Context) ([]storage.CatalogRecord, error)
	CatalogRecord(ctx context.Context, id int64) (storage.CatalogRecord, error)
	LoadCatalog(ctx context.Context, id int64) (*catalog.Catalog, error)
	CatalogUsage(ctx context.Context) (map[int64]int, error)

	Customers(ctx context.Context, query string) ([]storage.Customer, error)
	SaveCustomer(ctx context.Context, c storage.Customer) (int64, error)
	ForgetCustomer(ctx context.Context, id int64) error
	CustomerHistory(ctx context.Context, customer int64) ([]storage.FieldChange, error)

	Orders(ctx context.Context) ([]storage.Order, error)
	// The export journal (orderfile.Journal): an export is one
	// recoverable transaction.
	ReserveExport(ctx context.Context, in storage.OrderInput, path func(number string) (string, error), overwrite bool) (storage.ExportReservation, error)
	RecordExportHash(ctx context.Context, id int64, sha string) error
	CompleteExport(ctx context.Context, id int64) (storage.Order, error)
	AbandonExport(ctx context.Context, id int64) error
	// Orders sent through the outbox (ui/outbox.go): numbered without a
	// file, cancelled when their package cannot be made, corrected after a
	// refusal.
	CreateOrder(ctx context.Context, in storage.OrderInput) (storage.Order, error)
	CancelOrder(ctx context.Context, id int64) error
	Order(ctx context.Context, id int64) (storage.Order, error)
	RevisionByID(ctx context.Context, id int64) (storage.Revision, error)
	ReviseOrder(ctx context.Context, id int64, lines []storage.OrderLine) (storage.Order, error)
	Outbox(ctx context.Context) ([]storage.OutboxItem, error)

	SendToDealer(ctx context.Context, in storage.DesignInput, customerName string) (storage.QueueEntry, error)
	Queue(ctx context.Context, taken bool) ([]storage.QueueEntry, error)
	TakeFromQueue(ctx context.Context, code string) (storage.QueueEntry, error)
	RemoveFromQueue(ctx context.Context, code string) error

	// Designs changed on two machines of a shop (docs/shop.md).
	ChangedOnTwoMachines(ctx context.Context) ([]int64, error)
	DesignHeads(ctx context.Context, design int64) ([]storage.Revision, error)
	SettleDesign(ctx context.Context, design int64, keep int) (storage.Design, storage.Revision, error)

	// The dealer's settings that belong to the shop (ui/dealershare.go).
	ShopSettings(ctx context.Context) (map[string]storage.ShopSetting, error)
	SetShopSettings(ctx context.Context, settings []storage.ShopSetting) error
	SeedShopSettings(ctx context.Context, settings []storage.ShopSetting) error

	SaveAutosave(ctx context.Context, a storage.Autosave) error
	LoadAutosave(ctx context.Context) (*storage.Autosave, error)
	ClearAutosave(ctx context.Context) error
}
