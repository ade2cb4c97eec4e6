package admin

import (
	"context"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // validate IANA zones the same way on every machine

	"supportdesk/ent"
	"supportdesk/ent/organization"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/auth"
	"supportdesk/internal/viewer"

	"golang.org/x/text/language"
)

// NewOrganization is a partner or customer to create under the viewer's organisation.
type NewOrganization struct {
	Kind              organization.Kind `json:"kind"`
	Name              string            `json:"name"`
	Country           *string           `json:"country"`
	Language          *string           `json:"language"`
	TimeZone          *string           `json:"timeZone"`
	DefaultCalendarID *int              `json:"defaultCalendarID"`
}

// OrganizationChange changes an organisation; nil fields stay as they are.
type OrganizationChange struct {
	Name                 *string `json:"name"`
	Country              *string `json:"country"`
	Language             *string `json:"language"`
	TimeZone             *string `json:"timeZone"`
	DefaultCalendarID    *int    `json:"defaultCalendarID"`
	ClearDefaultCalendar *bool   `json:"clearDefaultCalendar"`
	Active               *bool   `json:"active"`
}

// CreateOrganization creates a partner (vendor administrators only) or a customer (partner
// administrators, or a vendor's serving customers directly) under the viewer's organisation.
func (s *Service) CreateOrganization(ctx context.Context, in NewOrganization) (*ent.Organization, error) {
	v, err := mustAdmin(ctx, "create organisations")
	if err != nil {
		return nil, err
	}
	switch {
	case in.Kind == organization.KindPARTNER && v.OrgKind != viewer.Vendor:
		return nil, apperr.Invalid("only a vendor onboards partners", "kind")
	case in.Kind != organization.KindPARTNER && in.Kind != organization.KindCUSTOMER:
		return nil, apperr.Invalid("an administrator creates partners or customers", "kind")
	}
	f, err := s.validate(ctx, v.OrgID, OrganizationChange{Name: &in.Name, Country: in.Country, Language: in.Language,
		TimeZone: in.TimeZone, DefaultCalendarID: in.DefaultCalendarID})
	if err != nil {
		return nil, err
	}
	var out *ent.Organization
	err = s.inTx(ctx, func(c *ent.Client) error {
		if err := uniqueName(ctx, c, v.OrgID, f.name, 0); err != nil {
			return err
		}
		q := c.Organization.Create().SetKind(in.Kind).SetName(f.name).SetParentID(v.OrgID).
			SetLanguage(or(f.language, "en")).SetTimeZone(or(f.timeZone, "UTC")).SetNillableDefaultCalendarID(in.DefaultCalendarID)
		if f.country != nil {
			q.SetCountry(*f.country)
		}
		out, err = q.Save(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	// The viewer's scopes were computed before the organisation existed; from now on it
	// administers it. Reading it outside the finished transaction lets its edges resolve.
	nv := *v
	if in.Kind == organization.KindPARTNER {
		nv.PartnerIDs = append(slices.Clone(v.PartnerIDs), out.ID)
	} else {
		nv.ServedCustomerIDs = append(slices.Clone(v.ServedCustomerIDs), out.ID)
	}
	return s.Client.Organization.Get(viewer.NewContext(ctx, &nv), out.ID)
}

// UpdateOrganization changes an organisation the viewer administers: a child organisation
// (partner or served customer), or its own except the active flag.
func (s *Service) UpdateOrganization(ctx context.Context, id int, in OrganizationChange) (*ent.Organization, error) {
	if viewer.FromContext(ctx) == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	org, err := s.Client.Organization.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("organization not found")
	}
	if err != nil {
		return nil, err
	}
	v := viewer.FromContext(ctx)
	if !auth.Administers(v, org) {
		return nil, apperr.Forbiddenf("administrators change their own organisation and the organisations they serve")
	}
	if in.Active != nil && org.ID == v.OrgID && !*in.Active {
		return nil, apperr.Invalid("administrators cannot deactivate their own organisation", "active")
	}
	providerID := org.ID
	if org.Kind == organization.KindCUSTOMER {
		providerID = *org.ParentID
	}
	f, err := s.validate(ctx, providerID, in)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(c *ent.Client) error {
		u := c.Organization.UpdateOneID(org.ID)
		if f.name != "" {
			if err := uniqueName(ctx, c, derefInt(org.ParentID), f.name, org.ID); err != nil {
				return err
			}
			u.SetName(f.name)
		}
		if f.country != nil {
			if *f.country == "" {
				u.ClearCountry()
			} else {
				u.SetCountry(*f.country)
			}
		}
		if f.language != "" {
			u.SetLanguage(f.language)
		}
		if f.timeZone != "" {
			u.SetTimeZone(f.timeZone)
		}
		switch {
		case in.ClearDefaultCalendar != nil && *in.ClearDefaultCalendar:
			u.ClearDefaultCalendarID()
		case in.DefaultCalendarID != nil:
			u.SetDefaultCalendarID(*in.DefaultCalendarID)
		}
		if in.Active != nil && *in.Active != org.Active {
			u.SetActive(*in.Active)
			if !*in.Active {
				// Sessions of its users end now: refresh tokens are revoked here, access tokens
				// are refused from the next request by auth.LoadViewer.
				ids, err := c.User.Query().Where(user.OrganizationID(org.ID)).IDs(ctx)
				if err != nil {
					return err
				}
				if err := auth.RevokeSessions(ctx, c, s.now(), ids...); err != nil {
					return err
				}
			}
		}
		return u.Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	return s.Client.Organization.Get(ctx, org.ID)
}

// fields are validated and normalised organisation fields; empty means unchanged.
type fields struct {
	name, language, timeZone string
	country                  *string
}

func (s *Service) validate(ctx context.Context, providerID int, in OrganizationChange) (fields, error) {
	var f fields
	var bad []string
	if in.Name != nil {
		f.name = strings.TrimSpace(*in.Name)
		if f.name == "" || len(f.name) > 200 {
			bad = append(bad, "name")
		}
	}
	if in.Country != nil {
		c := strings.ToUpper(strings.TrimSpace(*in.Country))
		if c != "" {
			if r, err := language.ParseRegion(c); err != nil || len(c) != 2 || !r.IsCountry() {
				bad = append(bad, "country")
			}
		}
		f.country = &c
	}
	if in.Language != nil {
		t, err := language.Parse(strings.TrimSpace(*in.Language))
		if err != nil || strings.TrimSpace(*in.Language) == "" || len(t.String()) > 8 {
			bad = append(bad, "language")
		} else {
			f.language = t.String()
		}
	}
	if in.TimeZone != nil {
		f.timeZone = strings.TrimSpace(*in.TimeZone)
		if _, err := time.LoadLocation(f.timeZone); err != nil || f.timeZone == "" || f.timeZone == "Local" {
			bad = append(bad, "timeZone")
		}
	}
	if len(bad) > 0 {
		return f, apperr.Invalid(invalidMessage(bad), bad...)
	}
	if in.DefaultCalendarID != nil {
		k, err := s.Client.Calendar.Get(ctx, *in.DefaultCalendarID)
		if ent.IsNotFound(err) {
			return f, apperr.NotFoundf("calendar not found")
		}
		if err != nil {
			return f, err
		}
		if k.OrganizationID != providerID {
			return f, apperr.Invalid("the default calendar must be one of the provider's own calendars", "defaultCalendarID")
		}
	}
	return f, nil
}

func invalidMessage(bad []string) string {
	msgs := map[string]string{
		"name":     "a name of 1 to 200 characters is required",
		"country":  "the country must be an ISO 3166 two-letter code such as DE or DK",
		"language": "the language must be a language tag such as de, da or en",
		"timeZone": "the time zone must be an IANA name such as Europe/Copenhagen",
	}
	parts := make([]string, 0, len(bad))
	for _, b := range bad {
		parts = append(parts, msgs[b])
	}
	return strings.Join(parts, "; ")
}

// uniqueName refuses a second organisation of the same name under one parent.
func uniqueName(ctx context.Context, c *ent.Client, parentID int, name string, except int) error {
	n, err := c.Organization.Query().Where(organization.ParentID(parentID), organization.NameEqualFold(name),
		organization.IDNEQ(except)).Count(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return apperr.E(apperr.Conflict, "an organisation named %q exists already", name)
	}
	return nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
