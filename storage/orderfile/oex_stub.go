package orderfile

// OEX is a stand-in until the OEX writer lands (branch oex).
func OEX(o *Order) (string, []byte, error) {
	return "oex-orders_" + o.Dealer.ID + "_" + o.Created[:4] + o.Created[5:7] + o.Created[8:10] + "-" + o.Created[11:13] + o.Created[14:16] + o.Created[17:19] + ".xml", []byte("<oexDocFrame/>\n"), nil
}
