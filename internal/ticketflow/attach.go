package ticketflow

import (
	"bufio"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strings"

	"supportdesk/ent"
	"supportdesk/ent/comment"
	"supportdesk/internal/apperr"
	"supportdesk/internal/storage"
	"supportdesk/internal/viewer"
)

// MaxAttachmentBytes is the largest attachment accepted.
const MaxAttachmentBytes = 20 << 20

// allowedTypes are the content types accepted for attachments, as sniffed from the bytes:
// screenshots, logs, documents, videos and archives of them.
var allowedTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "image/bmp": true,
	"application/pdf": true, "text/plain": true, "text/csv": true, "application/json": true, "text/xml": true,
	"video/mp4": true, "video/webm": true, "application/zip": true, "application/x-gzip": true,
}

// Upload is a file to attach.
type Upload struct {
	Filename string
	Size     int64
	Content  io.Reader
}

// Attach stores a file on a ticket (optionally on one of its comments). The content type is
// sniffed from the bytes, never taken from the client; only allowed types are kept.
func (s *Service) Attach(ctx context.Context, ticketID int, commentID *int, internal bool, up Upload) (*ent.Attachment, error) {
	v, err := mustViewer(ctx)
	if err != nil {
		return nil, err
	}
	if s.Storage == nil {
		return nil, errors.New("no attachment storage configured")
	}
	if internal && !v.IsStaff() {
		return nil, apperr.Forbiddenf("only provider staff add internal attachments")
	}
	name := filepath.Base(strings.ReplaceAll(up.Filename, `\`, "/"))
	if name == "" || name == "." || name == "/" || len(name) > 255 {
		return nil, apperr.Invalid("the file needs a name", "file")
	}
	if up.Size > MaxAttachmentBytes {
		return nil, apperr.Invalid("attachments are limited to 20 MiB", "file")
	}
	br := bufio.NewReaderSize(up.Content, 512)
	head, _ := br.Peek(512)
	ctype := sniff(head, name)
	if !allowedTypes[ctype] {
		return nil, apperr.Invalid("files of type "+ctype+" cannot be attached", "file")
	}
	// Check visibility before storing anything.
	t, err := load(ctx, s.Client, ticketID)
	if err != nil {
		return nil, err
	}
	if commentID != nil {
		ok, err := s.Client.Comment.Query().Where(comment.ID(*commentID), comment.TicketID(t.ID)).Exist(ctx)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.NotFoundf("comment not found")
		}
	}
	key, size, err := s.Storage.Put(ctx, br, MaxAttachmentBytes)
	if errors.Is(err, storage.ErrTooLarge) {
		return nil, apperr.Invalid("attachments are limited to 20 MiB", "file")
	}
	if err != nil {
		return nil, err
	}
	a, err := s.Client.Attachment.Create().SetTicketID(t.ID).SetNillableCommentID(commentID).SetUploaderID(v.UserID).
		SetFilename(name).SetContentType(ctype).SetSize(size).SetStorageKey(key).SetInternal(internal).Save(ctx)
	if err != nil {
		_ = s.Storage.Delete(ctx, key)
		return nil, err
	}
	return a, nil
}

// sniff returns the content type of a file from its first bytes; plain text is refined by the
// file extension (csv, json, xml logs).
func sniff(head []byte, name string) string {
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	if ct == "text/plain" {
		switch strings.ToLower(filepath.Ext(name)) {
		case ".csv":
			return "text/csv"
		case ".json":
			return "application/json"
		}
	}
	return ct
}

// OpenAttachment returns a visible attachment and its content.
func (s *Service) OpenAttachment(ctx context.Context, id int) (*ent.Attachment, io.ReadCloser, error) {
	if viewer.FromContext(ctx) == nil {
		return nil, nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	a, err := s.Client.Attachment.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, nil, apperr.NotFoundf("attachment not found")
	}
	if err != nil {
		return nil, nil, err
	}
	rc, err := s.Storage.Open(ctx, a.StorageKey)
	return a, rc, err
}
