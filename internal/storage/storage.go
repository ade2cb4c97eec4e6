// Package storage keeps attachment files behind an interface; the default stores them on local
// disk under the data folder.
package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Storage stores and returns blobs by key.
type Storage interface {
	// Put stores r under a new key and returns the key and the number of bytes written. It
	// stores at most max bytes and fails with ErrTooLarge beyond.
	Put(ctx context.Context, r io.Reader, max int64) (key string, size int64, err error)
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Delete(ctx context.Context, key string) error
}

// ErrTooLarge is returned by Put for a blob over the limit.
var ErrTooLarge = errors.New("file too large")

// Local stores files in a folder.
type Local struct{ Dir string }

func (l Local) path(key string) (string, error) {
	if len(key) != 32 || strings.ContainsAny(key, `/\.`) {
		return "", errors.New("invalid storage key")
	}
	return filepath.Join(l.Dir, key[:2], key), nil
}

// Put implements Storage.
func (l Local) Put(_ context.Context, r io.Reader, max int64) (string, int64, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", 0, err
	}
	key := hex.EncodeToString(b)
	p, _ := l.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", 0, err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", 0, err
	}
	n, err := io.Copy(f, io.LimitReader(r, max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > max {
		err = ErrTooLarge
	}
	if err != nil {
		_ = os.Remove(p)
		return "", 0, err
	}
	return key, n, nil
}

// Open implements Storage.
func (l Local) Open(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// Delete implements Storage.
func (l Local) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	return os.Remove(p)
}
