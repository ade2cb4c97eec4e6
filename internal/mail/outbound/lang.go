package outbound

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"golang.org/x/text/language"
)

// Texts are the phrases of outbound mail in one language.
type Texts struct {
	Tag             language.Tag
	Hello           string
	CommentLead     string // author, ticket number
	ReplyHint       string
	PreferencesHint string
	ResetSubject    string
	ResetLead       string
	ResetExpiry     string // expiry time
	ResetIgnore     string
	InviteSubject   string
	InviteLead      string // organisation, e-mail address
	InviteIgnore    string
	Kinds           map[string]string
}

// Greeting addresses a user by name.
func (t *Texts) Greeting(name string) string { return fmt.Sprintf(t.Hello, name) }

// Kind names a notification kind; an unknown kind reads as itself.
func (t *Texts) Kind(kind string) string {
	if s, ok := t.Kinds[kind]; ok {
		return s
	}
	return kind
}

var english = &Texts{Tag: language.English,
	Hello:           "Hello %s,",
	CommentLead:     "%s answered on ticket %s:",
	ReplyHint:       "Reply to this mail to answer on the ticket; please keep the ticket number in the subject.",
	PreferencesHint: "You receive this mail because you chose to in your notification settings.",
	ResetSubject:    "Your password reset",
	ResetLead:       "A password reset was started for your account. Enter this one-time code on the password reset page:",
	ResetExpiry:     "The code is valid until %s and can be used once.",
	ResetIgnore:     "If you did not expect this mail, ask your administrator; your current password stays valid.",
	InviteSubject:   "Your invitation to Supportdesk",
	InviteLead:      "An account at %s was created for you; you sign in with %s. To choose your password, enter this one-time code on the password reset page:",
	InviteIgnore:    "If you did not expect this mail, you can ignore it; nobody can sign in to the account before a password is chosen.",
	Kinds: map[string]string{"TICKET_ASSIGNED": "Assigned to you", "CUSTOMER_REPLIED": "The customer replied",
		"TICKET_ESCALATED": "Ticket escalated", "TICKET_RESOLVED": "Ticket resolved", "TICKET_WAITING": "Waiting for your answer",
		"ESTIMATE_AWAITS_APPROVAL": "Estimate awaits your approval", "SLA_AT_RISK": "SLA at risk", "SLA_BREACHED": "SLA breached",
		"CONTINGENT_WARNING": "Contingent warning", "CONTINGENT_EXHAUSTED": "Contingent exhausted",
		"OVERRUN_DECIDED": "Overrun decided", "FIX_RELEASED": "Fix released", "FIX_DELIVERED": "Fix delivered"},
}

var german = &Texts{Tag: language.German,
	Hello:           "Hallo %s,",
	CommentLead:     "%s hat auf Ticket %s geantwortet:",
	ReplyHint:       "Antworten Sie auf diese E-Mail, um im Ticket zu antworten; bitte lassen Sie die Ticketnummer im Betreff stehen.",
	PreferencesHint: "Sie erhalten diese E-Mail, weil Sie es in Ihren Benachrichtigungseinstellungen so gewählt haben.",
	ResetSubject:    "Zurücksetzen Ihres Passworts",
	ResetLead:       "Für Ihr Konto wurde das Zurücksetzen des Passworts gestartet. Geben Sie diesen einmaligen Code auf der Seite zum Zurücksetzen ein:",
	ResetExpiry:     "Der Code gilt bis %s und kann einmal verwendet werden.",
	ResetIgnore:     "Falls Sie diese E-Mail nicht erwartet haben, wenden Sie sich an Ihren Administrator; Ihr bisheriges Passwort bleibt gültig.",
	InviteSubject:   "Ihre Einladung zu Supportdesk",
	InviteLead:      "Für Sie wurde ein Konto bei %s angelegt; Sie melden sich mit %s an. Um Ihr Passwort festzulegen, geben Sie diesen einmaligen Code auf der Seite zum Zurücksetzen des Passworts ein:",
	InviteIgnore:    "Falls Sie diese E-Mail nicht erwartet haben, können Sie sie ignorieren; ohne festgelegtes Passwort kann sich niemand an dem Konto anmelden.",
	Kinds: map[string]string{"TICKET_ASSIGNED": "Ihnen zugewiesen", "CUSTOMER_REPLIED": "Der Kunde hat geantwortet",
		"TICKET_ESCALATED": "Ticket eskaliert", "TICKET_RESOLVED": "Ticket gelöst", "TICKET_WAITING": "Wartet auf Ihre Antwort",
		"ESTIMATE_AWAITS_APPROVAL": "Aufwandsschätzung wartet auf Freigabe", "SLA_AT_RISK": "SLA gefährdet", "SLA_BREACHED": "SLA verletzt",
		"CONTINGENT_WARNING": "Kontingentwarnung", "CONTINGENT_EXHAUSTED": "Kontingent erschöpft",
		"OVERRUN_DECIDED": "Überschreitung entschieden", "FIX_RELEASED": "Fehlerbehebung veröffentlicht", "FIX_DELIVERED": "Fehlerbehebung ausgeliefert"},
}

var danish = &Texts{Tag: language.Danish,
	Hello:           "Hej %s,",
	CommentLead:     "%s har svaret på sag %s:",
	ReplyHint:       "Svar på denne mail for at svare på sagen; lad venligst sagsnummeret stå i emnefeltet.",
	PreferencesHint: "Du modtager denne mail, fordi du har valgt det i dine indstillinger for notifikationer.",
	ResetSubject:    "Nulstilling af din adgangskode",
	ResetLead:       "Der er startet en nulstilling af adgangskoden til din konto. Indtast denne engangskode på siden til nulstilling:",
	ResetExpiry:     "Koden er gyldig indtil %s og kan bruges én gang.",
	ResetIgnore:     "Hvis du ikke forventede denne mail, så kontakt din administrator; din nuværende adgangskode er stadig gyldig.",
	InviteSubject:   "Din invitation til Supportdesk",
	InviteLead:      "Der er oprettet en konto til dig hos %s; du logger ind med %s. For at vælge din adgangskode skal du indtaste denne engangskode på siden til nulstilling af adgangskoden:",
	InviteIgnore:    "Hvis du ikke forventede denne mail, kan du se bort fra den; ingen kan logge ind på kontoen, før der er valgt en adgangskode.",
	Kinds: map[string]string{"TICKET_ASSIGNED": "Tildelt dig", "CUSTOMER_REPLIED": "Kunden har svaret",
		"TICKET_ESCALATED": "Sag eskaleret", "TICKET_RESOLVED": "Sag løst", "TICKET_WAITING": "Afventer dit svar",
		"ESTIMATE_AWAITS_APPROVAL": "Estimat afventer godkendelse", "SLA_AT_RISK": "SLA i fare", "SLA_BREACHED": "SLA overskredet",
		"CONTINGENT_WARNING": "Advarsel om klippekort", "CONTINGENT_EXHAUSTED": "Klippekort opbrugt",
		"OVERRUN_DECIDED": "Overskridelse besluttet", "FIX_RELEASED": "Rettelse frigivet", "FIX_DELIVERED": "Rettelse leveret"},
}

var (
	all     = []*Texts{english, german, danish}
	matcher = language.NewMatcher([]language.Tag{language.English, language.German, language.Danish})
)

// For returns the texts of the supported language closest to a user's language ("de",
// "de-AT", "da", …); English when nothing fits.
func For(lang string) *Texts {
	tag, err := language.Parse(strings.TrimSpace(lang))
	if err != nil {
		return english
	}
	_, i, conf := matcher.Match(tag)
	if conf == language.No {
		return english
	}
	return all[i]
}

// Text joins paragraphs into the plain-text part.
func Text(paras []string) string { return strings.Join(paras, "\n\n") + "\n" }

var page = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family:sans-serif">
{{range .Paras}}<p style="white-space:pre-wrap">{{.}}</p>
{{end}}</body></html>
`))

// HTML renders paragraphs as the HTML part; every text is escaped.
func HTML(title string, paras []string) string {
	var b bytes.Buffer
	_ = page.Execute(&b, struct {
		Title string
		Paras []string
	}{title, paras})
	return b.String()
}
