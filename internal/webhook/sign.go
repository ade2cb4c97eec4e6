package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Header names of a delivery.
const (
	HeaderEvent     = "Supportdesk-Event"
	HeaderEventID   = "Supportdesk-Event-Id"
	HeaderDelivery  = "Supportdesk-Delivery"
	HeaderTimestamp = "Supportdesk-Timestamp"
	HeaderSignature = "Supportdesk-Signature"
)

// Sign returns the signature header value of a body sent at ts.
func Sign(secret string, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts.Unix(), 10) + "." + string(body)))
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify is the receiver's side of the recipe in the package documentation: it reports whether
// signature matches the timestamp header and body under secret, and whether the timestamp lies
// within tolerance of now.
func Verify(secret, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) bool {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "." + string(body)))
	want := "v1=" + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(signature))
}
