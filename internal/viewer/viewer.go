package viewer

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// OrgKind mirrors the organisation kinds without importing generated code.
type OrgKind string

// Organisation kinds.
const (
	Vendor   OrgKind = "VENDOR"
	Partner  OrgKind = "PARTNER"
	Customer OrgKind = "CUSTOMER"
)

// Role names as stored on users.
const (
	RoleEndUser     = "END_USER"
	RoleKeyUser     = "KEY_USER"
	RoleApprover    = "APPROVER"
	RoleServiceDesk = "SERVICE_DESK"
	RoleAgent       = "AGENT"
	RoleSDM         = "SERVICE_DELIVERY_MANAGER"
	RoleAdmin       = "ADMIN"
)

// Viewer is the authenticated principal of a request. Scopes are computed once per request by
// the auth middleware so that privacy rules are plain IN-predicates in SQL.
type Viewer struct {
	UserID  int
	OrgID   int
	OrgKind OrgKind
	Role    string
	Levels  []string
	// ParentOrgID is the serving provider of a customer, or the vendor of a partner (0 if none).
	ParentOrgID int
	// ServedCustomerIDs are customers this provider organisation serves directly (its children).
	ServedCustomerIDs []int
	// PartnerIDs are the partners of a vendor.
	PartnerIDs []int
	// PartnerCustomerIDs are customers served by a vendor's partners; a vendor sees their
	// tickets only once escalated to it.
	PartnerCustomerIDs []int
	// CanApprove is the approval permission (APPROVER role, or a key user holding it).
	CanApprove bool
}

// IsCustomerSide reports whether the viewer belongs to a customer organisation.
func (v *Viewer) IsCustomerSide() bool { return v.OrgKind == Customer }

// IsStaff reports whether the viewer is provider staff (partner or vendor).
func (v *Viewer) IsStaff() bool { return v.OrgKind == Partner || v.OrgKind == Vendor }

// IsAdmin reports whether the viewer administers their organisation.
func (v *Viewer) IsAdmin() bool { return v.Role == RoleAdmin }

// HasLevel reports whether an agent works the given support level.
func (v *Viewer) HasLevel(level string) bool {
	for _, l := range v.Levels {
		if l == level {
			return true
		}
	}
	return false
}

// VisibleOrgIDs are the organisations whose names and users the viewer may see.
func (v *Viewer) VisibleOrgIDs() []int {
	ids := []int{v.OrgID}
	if v.ParentOrgID != 0 {
		ids = append(ids, v.ParentOrgID)
	}
	ids = append(ids, v.ServedCustomerIDs...)
	ids = append(ids, v.PartnerIDs...)
	ids = append(ids, v.PartnerCustomerIDs...)
	return ids
}

type ctxKey struct{}

// NewContext returns a context carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer of ctx, or nil.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(ctxKey{}).(*Viewer)
	return v
}

// ScopeKey identifies what v may read: two viewers with the same key see exactly the same rows,
// so a row loaded for one may be handed to the other (the live fan-out shares its reloads this
// way). It covers every field the privacy rules read; the user id only where rows are scoped to
// the user (an end user's tickets are those they reported). A rule that starts reading another
// field, or the user id of other viewers, must add it here.
func (v *Viewer) ScopeKey() string {
	var b strings.Builder
	user := 0
	if v.Role == RoleEndUser {
		user = v.UserID
	}
	fmt.Fprintf(&b, "%d/%s/%s/%d/%d/%v/%v/%v/%v/%t", v.OrgID, v.OrgKind, v.Role, user, v.ParentOrgID,
		sorted(v.ServedCustomerIDs), sorted(v.PartnerIDs), sorted(v.PartnerCustomerIDs), sorted(v.Levels), v.CanApprove)
	return b.String()
}

func sorted[T cmp.Ordered](s []T) []T { return slices.Sorted(slices.Values(s)) }
