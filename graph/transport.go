package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Media types of GraphQL over HTTP.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// HTTPTransport serves GraphQL over HTTP (GET and POST application/json) as the GraphQL over
// HTTP specification has it:
//   - the response media type follows Accept (application/graphql-response+json or
//     application/json; */* and no Accept mean application/json; anything else is 406);
//   - a body that is not a GraphQL request (not JSON, no query, wrong parameter types) is 400;
//     a body over MaxBodyBytes is 413; nothing is executed in either case;
//   - parse, validation, variable and limit errors (request errors) answer 200 under
//     application/json and 400 under application/graphql-response+json, without a data entry;
//   - GET serves queries only (405 for a mutation).
//
// Error messages never echo the request body or Go type names.
type HTTPTransport struct {
	MaxBodyBytes int64
}

var _ graphql.Transport = HTTPTransport{}

// Supports implements graphql.Transport.
func (HTTPTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	if r.Method == http.MethodGet {
		return true
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && r.Method == http.MethodPost && mediaType == mediaJSON
}

// requestError is an error of the HTTP request itself, before GraphQL is involved.
type requestError struct {
	status int
	code   string
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func badRequest(format string, args ...any) *requestError {
	return &requestError{status: http.StatusBadRequest, code: "BAD_REQUEST", msg: fmt.Sprintf(format, args...)}
}

// Do implements graphql.Transport.
func (h HTTPTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	media, ok := NegotiateMedia(r.Header.Get("Accept"))
	if !ok {
		w.Header().Set("Content-Type", mediaJSON)
		writeRequestError(w, &requestError{status: http.StatusNotAcceptable, code: "BAD_REQUEST",
			msg: "the response is application/graphql-response+json or application/json; Accept allows neither"})
		return
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	start := graphql.Now()

	var params *graphql.RawParams
	var rerr *requestError
	if r.Method == http.MethodGet {
		params, rerr = DecodeQueryParams(r.URL.Query())
	} else {
		params, rerr = h.readBody(w, r)
	}
	if rerr != nil {
		writeRequestError(w, rerr)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	rc, opErr := exec.CreateOperationContext(ctx, params)
	if opErr != nil {
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr)
		writeJSON(w, status, struct {
			Errors     gqlerror.List  `json:"errors"`
			Extensions map[string]any `json:"extensions,omitempty"`
		}{resp.Errors, resp.Extensions})
		return
	}
	if r.Method == http.MethodGet && rc.Operation != nil && rc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		writeRequestError(w, &requestError{status: http.StatusMethodNotAllowed, code: "BAD_REQUEST",
			msg: "GET serves queries only; send mutations with POST"})
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, http.StatusOK, responses(ctx))
}

// writeResponse writes resp byte for byte as json.Marshal would, without re-validating and
// re-compacting its data, which gqlgen (or the statement's marshaller) wrote as compact JSON
// already: for a 1.5 MB statement that pass cost 12 ms. HTML-sensitive characters are escaped
// as json.Marshal escapes them, and only when the data holds any. Data larger than inlineData is
// written as it is, between the members before and after it, not copied into one buffer first:
// a copy (2 MB for a statement at L) that only lived until it was written.
func writeResponse(w http.ResponseWriter, status int, resp *graphql.Response) {
	if resp == nil || len(resp.Data) == 0 {
		writeJSON(w, status, resp)
		return
	}
	ok := true
	member := func(b []byte, name string, v any) []byte {
		p, err := json.Marshal(v)
		if err != nil {
			ok = false
			return b
		}
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		return append(b, p...)
	}
	head := []byte{'{'}
	if len(resp.Errors) > 0 {
		head = append(member(head, "errors", resp.Errors), ',')
	}
	head = append(head, `"data":`...)
	data := resp.Data
	if htmlSensitive(data) {
		var buf bytes.Buffer
		json.HTMLEscape(&buf, data)
		data = buf.Bytes()
	}
	var tail []byte
	if resp.Label != "" {
		tail = member(append(tail, ','), "label", resp.Label)
	}
	if len(resp.Path) > 0 {
		tail = member(append(tail, ','), "path", resp.Path)
	}
	if resp.HasNext != nil {
		tail = member(append(tail, ','), "hasNext", *resp.HasNext)
	}
	if len(resp.Extensions) > 0 {
		tail = member(append(tail, ','), "extensions", resp.Extensions)
	}
	tail = append(tail, '}')
	if !ok {
		writeJSON(w, status, resp)
		return
	}
	w.WriteHeader(status)
	if len(data) <= inlineData {
		// One write, as net/http sends it in one chunk.
		_, _ = w.Write(append(append(append(make([]byte, 0, len(head)+len(data)+len(tail)), head...), data...), tail...))
		return
	}
	_, _ = w.Write(head)
	_, _ = w.Write(data)
	_, _ = w.Write(tail)
}

// inlineData is the size up to which writeResponse copies the data into one write with the
// members around it (a queue page is ~15 kB); a larger answer is written in three.
const inlineData = 64 << 10

// htmlSensitive reports whether b holds a character json.Marshal escapes for HTML: <, >, &,
// U+2028 or U+2029. One IndexByte pass per byte sought: bytes.ContainsAny with the two
// multi-byte characters decodes every rune of b instead, 11 ms for a 1.5 MB statement.
func htmlSensitive(b []byte) bool {
	if bytes.IndexByte(b, '<') >= 0 || bytes.IndexByte(b, '>') >= 0 || bytes.IndexByte(b, '&') >= 0 {
		return true
	}
	// U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
	for rest := b; ; {
		i := bytes.IndexByte(rest, 0xE2)
		if i < 0 || i+2 >= len(rest) {
			return false
		}
		if rest[i+1] == 0x80 && (rest[i+2] == 0xA8 || rest[i+2] == 0xA9) {
			return true
		}
		rest = rest[i+1:]
	}
}

func (h HTTPTransport) readBody(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, *requestError) {
	limit := h.MaxBodyBytes
	if limit <= 0 {
		limit = 1 << 20
	}
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(limit)
		}
		return nil, badRequest("the request body could not be read")
	}
	return DecodeRequest(body)
}

func tooLarge(limit int64) *requestError {
	return &requestError{status: http.StatusRequestEntityTooLarge, code: "REQUEST_TOO_LARGE",
		msg: fmt.Sprintf("the request body is larger than the limit of %d bytes", limit)}
}

// DecodeRequest reads a GraphQL request from a JSON body: an object with query (a string),
// and optional operationName (string), variables and extensions (objects). Numbers stay
// json.Number so Int checks see their exact value.
func DecodeRequest(body []byte) (*graphql.RawParams, *requestError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest("the request body is empty; send a JSON object with a query")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, badRequest("the request body is not a JSON object")
	}
	return decodeParams(func(name string) (json.RawMessage, bool) {
		v, ok := raw[name]
		return v, ok
	}, true)
}

// DecodeQueryParams reads a GraphQL request from the query string of a GET request; variables
// and extensions are JSON texts.
func DecodeQueryParams(q url.Values) (*graphql.RawParams, *requestError) {
	var bad *requestError
	get := func(name string) (json.RawMessage, bool) {
		if !q.Has(name) {
			return nil, false
		}
		v := q.Get(name)
		if name == "query" || name == "operationName" {
			return json.RawMessage(strconv.Quote(v)), true
		}
		if strings.TrimSpace(v) == "" {
			return nil, false
		}
		if !json.Valid([]byte(v)) {
			bad = badRequest("%s is not valid JSON", name)
			return nil, false
		}
		return json.RawMessage(v), true
	}
	p, err := decodeParams(get, false)
	if bad != nil {
		return nil, bad
	}
	return p, err
}

func decodeParams(get func(string) (json.RawMessage, bool), strict bool) (*graphql.RawParams, *requestError) {
	p := &graphql.RawParams{}
	str := func(name string, dst *string) *requestError {
		v, ok := get(name)
		if !ok || isNull(v) {
			return nil
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return badRequest("%s must be a string", name)
		}
		return nil
	}
	obj := func(name string, dst *map[string]any) *requestError {
		v, ok := get(name)
		if !ok || isNull(v) {
			return nil
		}
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil {
			return badRequest("%s must be a JSON object", name)
		}
		return nil
	}
	if err := str("query", &p.Query); err != nil {
		return nil, err
	}
	if err := str("operationName", &p.OperationName); err != nil {
		return nil, err
	}
	if err := obj("variables", &p.Variables); err != nil {
		return nil, err
	}
	if err := obj("extensions", &p.Extensions); err != nil {
		return nil, err
	}
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		return nil, badRequest("the request has no query")
	}
	return p, nil
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

// NegotiateMedia picks the response media type from an Accept header: the acceptable type of
// highest quality, the first listed on a tie; */*, application/* and no header mean
// application/json. ok is false when Accept allows neither type.
func NegotiateMedia(accept string) (media string, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	bestQ := 0.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, has := params["q"]; has {
			if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		var candidate string
		switch mt {
		case mediaGraphQLResponse:
			candidate = mediaGraphQLResponse
		case mediaJSON, "*/*", "application/*":
			candidate = mediaJSON
		default:
			continue
		}
		if q > bestQ {
			bestQ, media = q, candidate
		}
	}
	return media, media != ""
}

func writeRequestError(w http.ResponseWriter, e *requestError) {
	writeJSON(w, e.status, map[string]any{"errors": []map[string]any{{
		"message": e.msg, "extensions": map[string]any{"code": e.code},
	}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"message":"the response could not be encoded","extensions":{"code":"INTERNAL"}}]}`)
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Multipart is the GraphQL multipart request (file uploads) with its operations part bounded
// by MaxBodyBytes like any JSON body: a larger one is 413 before anything is executed.
type Multipart struct {
	transport.MultipartForm
	MaxBodyBytes int64
}

var _ graphql.Transport = Multipart{}

// Do implements graphql.Transport.
func (m Multipart) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	limit := m.MaxBodyBytes
	if limit <= 0 {
		limit = 1 << 20
	}
	upload := m.MaxUploadSize
	if upload <= 0 {
		upload = 32 << 20
	}
	w.Header().Set("Content-Type", mediaJSON)
	if r.ContentLength > upload {
		writeRequestError(w, tooLarge(upload))
		return
	}
	body := http.MaxBytesReader(w, r.Body, upload)
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		writeRequestError(w, badRequest("a multipart request needs a boundary"))
		return
	}
	// Read the operations part from a copy of what is consumed, then hand the whole body on.
	var seen bytes.Buffer
	mr := multipart.NewReader(io.TeeReader(body, &seen), params["boundary"])
	part, err := mr.NextPart()
	if err == nil && part.FormName() == "operations" {
		n, err := io.Copy(io.Discard, io.LimitReader(part, limit+1))
		var mbe *http.MaxBytesError
		if n > limit || errors.As(err, &mbe) {
			writeRequestError(w, tooLarge(limit))
			return
		}
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(seen.Bytes()), body), body}
	m.MultipartForm.Do(w, r, exec)
}
