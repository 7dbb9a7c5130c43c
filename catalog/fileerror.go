package catalog

import (
	"errors"
	"io/fs"
)

// PlainFileError says what went wrong with a file in the same plain words
// on every system. Go's errors name the system call and take the system's
// own words ("stat /a/b: no such file or directory" on Linux,
// "GetFileAttributesEx C:\a\b: File not found." on Windows); for a file
// that is missing or may not be read, the message becomes "<path>: no such
// file or folder" or "<path>: access denied". The result unwraps to err,
// so errors.Is(…, fs.ErrNotExist) still holds. Other errors are returned
// as they are.
func PlainFileError(err error) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return err
	}
	switch {
	case errors.Is(pe.Err, fs.ErrNotExist):
		return &plainFileError{pe.Path + ": no such file or folder", err}
	case errors.Is(pe.Err, fs.ErrPermission):
		return &plainFileError{pe.Path + ": access denied", err}
	}
	return err
}

type plainFileError struct {
	msg string
	err error
}

func (e *plainFileError) Error() string { return e.msg }
func (e *plainFileError) Unwrap() error { return e.err }
