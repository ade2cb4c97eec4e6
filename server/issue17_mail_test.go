package main

import (
	"strings"
	"testing"
	"time"

	"supportdesk/ent/inboundmail"
	"supportdesk/ent/outboundmail"
	"supportdesk/ent/ticket"
	"supportdesk/internal/notify"
)

// TestIssue17SupportAddress: only a provider's administrator sets its support address, and an
// address belongs to one provider.
func TestIssue17SupportAddress(t *testing.T) {
	m := newMailEnv(t)
	p1 := map[string]any{"o": gidOf(m.w.orgs["P1"].ID), "a": "Support@P1.test"}
	m.fails(m.token(m.w, "P1.SERVICE_DESK"), opSetAddress, p1, "FORBIDDEN")
	m.fails(m.token(m.w, "P2.ADMIN"), opSetAddress, p1, "NOT_FOUND")
	m.fails(m.token(m.w, "C1.KEY_USER"), opSetAddress, p1, "FORBIDDEN")
	var out struct {
		SetSupportAddress struct {
			Organization struct{ SupportAddress *string }
		}
	}
	m.ok(m.token(m.w, "P1.ADMIN"), opSetAddress, p1, &out)
	if a := out.SetSupportAddress.Organization.SupportAddress; a == nil || *a != "support@p1.test" {
		t.Fatalf("support address %v", a)
	}
	m.fails(m.token(m.w, "P2.ADMIN"), opSetAddress, map[string]any{"o": gidOf(m.w.orgs["P2"].ID), "a": "support@p1.test"}, "CONFLICT")
	m.invalid(m.token(m.w, "P2.ADMIN"), opSetAddress, map[string]any{"o": gidOf(m.w.orgs["P2"].ID), "a": "not an address"}, "address")
	// Mail to an address nobody owns is refused at RCPT: the listener is no open relay.
	err := m.send("c1.key_user@test.example", "nobody@p1.test", "From: c1.key_user@test.example\nSubject: x\n\nx\n")
	if smtpCode(err) != 550 {
		t.Fatalf("unknown recipient: %v", err)
	}
}

// TestIssue17MailIntake: known senders' mail becomes tickets on their customer's contract with
// the intake rule, visible only to the receiving provider; others' waits in review.
func TestIssue17MailIntake(t *testing.T) {
	m := newMailEnv(t)
	m.setAddress("P1.ADMIN", "P1", "support@p1.test")
	m.setAddress("P2.ADMIN", "P2", "help@p2.test")
	desk1, desk2 := m.token(m.w, "P1.SERVICE_DESK"), m.token(m.w, "P2.SERVICE_DESK")
	key1 := m.token(m.w, "C1.KEY_USER")

	// A key user's mail: Latin-1 text, quoted-printable, with a log file and a program attached.
	m.deliver("C1.KEY_USER@test.example", "support@p1.test", `From: Key User <C1.KEY_USER@test.example>
To: support@p1.test
Subject: =?iso-8859-1?q?Buchung_schl=E4gt_fehl?=
Message-Id: <k1@customer.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Die Buchung schl=E4gt fehl. Gr=FC=DFe
--b1
Content-Type: text/plain; name="error.log"
Content-Disposition: attachment; filename="error.log"

2026-12-01 ERROR posting failed
--b1
Content-Type: application/octet-stream; name="setup.exe"
Content-Disposition: attachment; filename="setup.exe"
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=
--b1--
`)
	rows := m.inbound(desk1, "TICKET_CREATED")
	if len(rows) != 1 || rows[0].Ticket == nil || rows[0].Subject != "Buchung schlägt fehl" {
		t.Fatalf("P1's mail: %+v", rows)
	}
	if want := []string{"error.log: attached", "setup.exe: not attached (files of type application/octet-stream cannot be attached: file)"}; strings.Join(rows[0].Attachments, "|") != strings.Join(want, "|") {
		t.Fatalf("attachments %q", rows[0].Attachments)
	}
	tk := m.ticket(desk1, rows[0].Ticket.ID)
	if tk.Node.Title != "Buchung schlägt fehl" || tk.Node.Description != "Die Buchung schlägt fehl. Grüße" || tk.Node.Channel != "EMAIL" ||
		tk.Node.Level != "L1" || !strings.EqualFold(tk.Node.Reporter.Email, "c1.key_user@test.example") || len(tk.Node.Attachments) != 1 ||
		tk.Node.Attachments[0].Filename != "error.log" || tk.Node.Attachments[0].ContentType != "text/plain" {
		t.Fatalf("ticket from mail: %+v", tk.Node)
	}
	m.ticket(key1, rows[0].Ticket.ID)
	// The other provider sees neither the mail nor the ticket.
	if got := m.inbound(desk2, ""); len(got) != 0 {
		t.Fatalf("P2 sees P1's mail: %+v", got)
	}
	m.fails(desk2, opTicketView, map[string]any{"id": rows[0].Ticket.ID}, "NOT_FOUND")
	// The same message delivered again (a lost answer) is handled once.
	m.deliver("C1.KEY_USER@test.example", "support@p1.test", "From: C1.KEY_USER@test.example\nMessage-Id: <k1@customer.test>\nSubject: again\n\nagain\n")
	if n := len(m.inbound(desk1, "")); n != 1 {
		t.Fatalf("redelivery stored %d rows", n)
	}

	// An end user's HTML-only mail under KEY_USER_GATED starts with the key users, not P1.
	m.deliver("c1.end_user@test.example", "support@p1.test", `From: c1.end_user@test.example
Subject: Report is empty
Content-Type: text/html; charset=utf-8

<html><body><p>The <b>report</b> is empty.</p><script>alert("x")</script></body></html>
`)
	end := m.lastInbound()
	if end.Status != inboundmail.StatusTICKET_CREATED || end.TicketID == nil {
		t.Fatalf("end user's mail: %+v", end)
	}
	endTk := gidOf(*end.TicketID)
	v := m.ticket(key1, endTk)
	if v.Node.Level != "CUSTOMER" || !strings.EqualFold(v.Node.Reporter.Email, "c1.end_user@test.example") ||
		strings.Contains(v.Node.Description, "<") || strings.Contains(v.Node.Description, "alert") || !strings.Contains(v.Node.Description, "report") {
		t.Fatalf("end user's ticket: %+v", v.Node)
	}
	m.fails(desk1, opTicketView, map[string]any{"id": endTk}, "NOT_FOUND")
	// The service desk sees the mail row, but not the ticket still in the customer's triage.
	for _, r := range m.inbound(desk1, "TICKET_CREATED") {
		if r.FromAddress == "c1.end_user@test.example" && r.Ticket != nil {
			t.Fatalf("the desk sees the triage ticket through the mail: %+v", r)
		}
	}

	// A user of P2's customer writing to P1 is unknown to P1: review, nothing created.
	before := m.app.DB.Client.Ticket.Query().CountX(trusted())
	m.deliver("c3.key_user@test.example", "support@p1.test", "From: c3.key_user@test.example\nSubject: Hello P1\n\nWrong provider\n")
	if r := m.lastInbound(); r.Status != inboundmail.StatusREVIEW || r.Reason != "unknown sender" || r.OrganizationID != m.w.orgs["P1"].ID {
		t.Fatalf("foreign customer's mail: %+v", r)
	}
	if after := m.app.DB.Client.Ticket.Query().CountX(trusted()); after != before {
		t.Fatalf("a ticket was created for a foreign sender")
	}
	if got := m.inbound(desk2, ""); len(got) != 0 {
		t.Fatalf("P2 sees mail sent to P1: %+v", got)
	}
	// Naming a ticket number of another customer of the same provider adds nothing to it.
	number := rows[0].Ticket.Number
	m.deliver("c2.key_user@test.example", "support@p1.test", "From: c2.key_user@test.example\nSubject: Re: ["+number+"] guess\n\nme too\n")
	if r := m.lastInbound(); r.Status != inboundmail.StatusREVIEW || r.Reason != "reply to "+number+" not added: ticket not found" {
		t.Fatalf("reply to another customer's ticket: %+v", r)
	}
	// The same user writing to their own provider raises a ticket there.
	m.deliver("c3.key_user@test.example", "help@p2.test", "From: c3.key_user@test.example\nSubject: Hello P2\n\nRight provider\n")
	rows2 := m.inbound(desk2, "TICKET_CREATED")
	if len(rows2) != 1 || rows2[0].Ticket == nil || rows2[0].Ticket.Level != "L1" {
		t.Fatalf("P2's mail: %+v", rows2)
	}

	// Under KEY_USERS_ONLY an end user raises nothing: the mail waits in review with the reason.
	m.app.DB.Client.Contract.UpdateOneID(m.w.contracts["C2"].ID).SetIntakeModel("KEY_USERS_ONLY").ExecX(trusted())
	m.deliver("c2.end_user@test.example", "support@p1.test", "From: c2.end_user@test.example\nSubject: Please help\n\nhelp\n")
	if r := m.lastInbound(); r.Status != inboundmail.StatusREVIEW || r.Reason != "no ticket raised: under this contract only key users raise tickets" {
		t.Fatalf("gated end user's mail: %+v", r)
	}
}

// TestIssue17MailLoopsAndReview: automatic mail creates and answers nothing; unknown senders
// and unreadable mail wait in review, where the service desk registers or discards them.
func TestIssue17MailLoopsAndReview(t *testing.T) {
	m := newMailEnv(t)
	m.setAddress("P1.ADMIN", "P1", "support@p1.test")
	desk := m.token(m.w, "P1.SERVICE_DESK")
	tickets := func() int { return m.app.DB.Client.Ticket.Query().CountX(trusted()) }

	loops := []struct{ envFrom, raw, reason string }{
		{"c1.key_user@test.example", "From: c1.key_user@test.example\nAuto-Submitted: auto-replied\nSubject: Out of office\n\nAway\n", "automatic mail (Auto-Submitted: auto-replied)"},
		{"c1.key_user@test.example", "From: c1.key_user@test.example\nPrecedence: bulk\nSubject: Newsletter\n\nNews\n", "bulk or list mail (Precedence)"},
		{"c1.key_user@test.example", "From: c1.key_user@test.example\nX-Autoreply: yes\nSubject: Auto\n\nAuto\n", "automatic reply"},
		{"", "From: c1.key_user@test.example\nSubject: Undeliverable\n\nBounce\n", "delivery status notification (empty return path)"},
		{"c1.key_user@test.example", "From: c1.key_user@test.example\nMessage-Id: <sd.abc@sd.test>\nSubject: Ours\n\nours\n", "our own mail came back"},
		{"support@p1.test", "From: support@p1.test\nSubject: Loop\n\nloop\n", "sent from a support address"},
	}
	for _, l := range loops {
		m.deliver(l.envFrom, "support@p1.test", l.raw)
		if r := m.lastInbound(); r.Status != inboundmail.StatusIGNORED || r.Reason != l.reason {
			t.Fatalf("%q: %+v", l.reason, r)
		}
	}
	if n := tickets(); n != 0 {
		t.Fatalf("loops created %d tickets", n)
	}
	if n := m.app.DB.Client.OutboundMail.Query().CountX(trusted()); n != 0 || m.flush() != 0 {
		t.Fatalf("loops were answered: %d mails", n)
	}
	if got := m.inbound(desk, "REVIEW"); len(got) != 0 {
		t.Fatalf("loops in review: %+v", got)
	}

	// An unknown sender lands in review; nobody is answered automatically.
	m.deliver("stranger@else.test", "support@p1.test", "From: Stranger <stranger@else.test>\nSubject: Our invoices are wrong\n\nPlease call me.\nMy number is 123.\n")
	// A mail that cannot be parsed is kept raw and reported.
	garbled := "From: x@else.test\nSubject: broken\nContent-Type: multipart/mixed\n\nno boundary at all\n"
	m.deliver("x@else.test", "support@p1.test", garbled)
	review := m.inbound(desk, "REVIEW")
	if len(review) != 2 {
		t.Fatalf("review queue: %+v", review)
	}
	broken, stranger := review[0], review[1]
	if broken.ParseError == "" {
		broken, stranger = stranger, broken
	}
	if broken.ParseError != "unable to locate boundary param in Content-Type header" || broken.RawSize != len(strings.ReplaceAll(garbled, "\n", "\r\n")) || broken.RawTruncated {
		t.Fatalf("unparseable mail: %+v", broken)
	}
	raw := m.app.DB.Client.InboundMail.GetX(trusted(), mustID(broken.ID)).Raw
	if string(raw) != strings.ReplaceAll(garbled, "\n", "\r\n") {
		t.Fatalf("raw copy %q", raw)
	}
	if stranger.FromAddress != "stranger@else.test" || stranger.Reason != "unknown sender" || stranger.Body != "Please call me.\nMy number is 123." {
		t.Fatalf("unknown sender: %+v", stranger)
	}
	if n := tickets(); n != 0 || m.app.DB.Client.OutboundMail.Query().CountX(trusted()) != 0 {
		t.Fatalf("review mail created tickets or answers")
	}
	// Agents and customers do not read the queue.
	m.fails(m.token(m.w, "P1.AGENT"), opInbound, nil, "FORBIDDEN")
	m.fails(m.token(m.w, "C1.KEY_USER"), opInbound, nil, "FORBIDDEN")

	// The service desk registers the stranger's mail for a customer contact.
	const opFromMail = `mutation($m:ID!,$in:CreateTicketInput!){ createTicketFromMail(mailID:$m, input:$in){ mail{ status ticket{ id } } ticket{ id title description channel level receivedAt reporter{ email } } } }`
	in := map[string]any{"customerID": gidOf(m.w.orgs["C1"].ID), "reporterID": gidOf(m.w.users["C1.APPROVER"].ID),
		"title": "", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}
	m.fails(m.token(m.w, "P2.SERVICE_DESK"), opFromMail, map[string]any{"m": stranger.ID, "in": in}, "NOT_FOUND")
	var made struct {
		CreateTicketFromMail struct {
			Mail   struct{ Status string }
			Ticket struct {
				ID, Title, Description, Channel, Level, ReceivedAt string
				Reporter                                           struct{ Email string }
			}
		}
	}
	m.ok(desk, opFromMail, map[string]any{"m": stranger.ID, "in": in}, &made)
	got := made.CreateTicketFromMail
	row := m.app.DB.Client.InboundMail.GetX(trusted(), mustID(stranger.ID))
	if got.Mail.Status != "TICKET_CREATED" || got.Ticket.Title != "Our invoices are wrong" || got.Ticket.Description != "Please call me.\nMy number is 123." ||
		got.Ticket.Channel != "EMAIL" || got.Ticket.Level != "L1" || !strings.EqualFold(got.Ticket.Reporter.Email, "c1.approver@test.example") ||
		!mustTime(t, got.Ticket.ReceivedAt).Equal(row.ReceivedAt) || len(row.Raw) != 0 {
		t.Fatalf("registered: %+v (row %+v)", got, row)
	}
	m.fails(desk, opFromMail, map[string]any{"m": stranger.ID, "in": in}, "CONFLICT")
	// The unreadable one is discarded.
	var disc struct {
		DiscardInboundMail struct{ Status, Reason string }
	}
	m.ok(desk, `mutation($id:ID!){ discardInboundMail(id:$id, reason:"spam"){ status reason } }`, map[string]any{"id": broken.ID}, &disc)
	if disc.DiscardInboundMail.Status != "DISCARDED" || disc.DiscardInboundMail.Reason != "spam" || len(m.inbound(desk, "REVIEW")) != 0 {
		t.Fatalf("discard: %+v", disc)
	}
}

// TestIssue17MailOutbound: a public staff comment and a wanted notification reach the relay in
// the recipient's language, threaded; a reply to the notification lands on the ticket as a
// comment and ends the wait; a refused mail is retried after the backoff; a password reset
// token goes out by mail.
func TestIssue17MailOutbound(t *testing.T) {
	m := newMailEnv(t)
	m.setAddress("P1.ADMIN", "P1", "support@p1.test")
	key, agent := m.token(m.w, "C1.KEY_USER"), m.token(m.w, "P1.AGENT")
	m.app.DB.Client.User.UpdateOneID(m.w.users["C1.KEY_USER"].ID).SetLanguage("de-AT").ExecX(trusted())
	m.ok(key, opSetPref, map[string]any{"k": "TICKET_WAITING", "i": true, "m": true}, nil)
	tk := m.create(key, questionInput("Export hangs"))
	number := m.app.DB.Client.Ticket.GetX(trusted(), mustID(tk.ID)).Number

	const opComment = `mutation($in: AddCommentInput!){ addComment(input:$in){ comment{ id } } }`
	m.ok(agent, opComment, map[string]any{"in": map[string]any{"ticketID": tk.ID, "body": "We are looking into it <today>.", "internal": false}}, nil)
	m.ok(agent, opComment, map[string]any{"in": map[string]any{"ticketID": tk.ID, "body": "internal note", "internal": true}}, nil)
	if n := m.flush(); n != 1 {
		t.Fatalf("sent %d mails, want the public comment only", n)
	}
	got := m.catcher.messages()
	c := got[0]
	thread := "<ticket." + number + "@sd.test>"
	if c.from != "support@p1.test" || len(c.to) != 1 || !strings.EqualFold(c.to[0], "c1.key_user@test.example") ||
		c.env.GetHeader("Subject") != "["+number+"] Export hangs" || c.env.GetHeader("In-Reply-To") != thread ||
		c.env.GetHeader("References") != thread || !strings.HasPrefix(c.env.GetHeader("Message-Id"), "<"+number+".") ||
		c.env.GetHeader("Auto-Submitted") != "auto-generated" {
		t.Fatalf("comment mail headers: from %s to %v %v", c.from, c.to, c.env.Root.Header)
	}
	if !strings.HasPrefix(c.env.Text, "Hallo C1.KEY_USER,") || !strings.Contains(c.env.Text, "P1.AGENT hat auf Ticket "+number+" geantwortet:") ||
		!strings.Contains(c.env.Text, "We are looking into it <today>.") || !strings.Contains(c.env.HTML, "We are looking into it &lt;today&gt;.") ||
		!strings.Contains(string(c.raw), "multipart/alternative") {
		t.Fatalf("comment mail body: %q / %q", c.env.Text, c.env.HTML)
	}

	// Waiting for the customer: the notification goes out by mail, refused once by the relay.
	m.catcher.Refuse.Store(1)
	m.ok(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk.ID, "status": "IN_PROGRESS"}}, nil)
	m.ok(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk.ID, "status": "WAITING_FOR_CUSTOMER"}}, nil)
	now := m.clock.Now().Truncate(time.Second)
	m.clock.Set(now)
	if n := m.flush(); n != 1 {
		t.Fatalf("attempted %d", n)
	}
	row := m.app.DB.Client.OutboundMail.Query().Where(outboundmail.Kind("NOTIFICATION")).OnlyX(trusted())
	if row.Status != outboundmail.StatusPENDING || row.Attempts != 1 || !strings.Contains(row.LastError, "451") ||
		row.NextAttemptAt == nil || !row.NextAttemptAt.Equal(now.UTC().Add(time.Minute)) {
		t.Fatalf("refused mail: %+v", row)
	}
	if n := m.flush(); n != 0 || len(m.catcher.messages()) != 1 {
		t.Fatalf("retried before the backoff")
	}
	m.clock.Set(now.Add(time.Minute))
	if n := m.flush(); n != 1 {
		t.Fatalf("retry attempted %d", n)
	}
	row = m.app.DB.Client.OutboundMail.GetX(trusted(), row.ID)
	if row.Status != outboundmail.StatusSENT || row.Attempts != 2 || row.LastError != "" {
		t.Fatalf("retried mail: %+v", row)
	}
	got = m.catcher.messages()
	n := got[1]
	if n.env.GetHeader("Subject") != "["+number+"] Wartet auf Ihre Antwort: Export hangs" || n.from != "support@p1.test" ||
		!strings.Contains(n.env.Text, "Antworten Sie auf diese E-Mail") {
		t.Fatalf("notification mail: %q %q", n.env.GetHeader("Subject"), n.env.Text)
	}

	// The customer answers the notification from their mail program.
	m.deliver("c1.key_user@test.example", "support@p1.test", `From: C1 Key <c1.key_user@test.example>
To: support@p1.test
Subject: AW: `+n.env.GetHeader("Subject")+`
Message-Id: <reply1@customer.test>
In-Reply-To: `+n.env.GetHeader("Message-Id")+`
References: `+thread+" "+n.env.GetHeader("Message-Id")+`
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="r1"

--r1
Content-Type: text/plain; charset=utf-8

Das Export-Log ist angehängt.

Am 06.12.2026 schrieb support@p1.test:
> Hallo C1.KEY_USER,
--r1
Content-Type: text/plain; name="export.log"
Content-Disposition: attachment; filename="export.log"

export stalled at row 1200
--r1--
`)
	r := m.lastInbound()
	if r.Status != inboundmail.StatusCOMMENT_ADDED || r.TicketID == nil || *r.TicketID != mustID(tk.ID) {
		t.Fatalf("reply: %+v", r)
	}
	v := m.ticket(agent, tk.ID)
	last := v.Node.Comments.Edges[len(v.Node.Comments.Edges)-1].Node
	if v.Node.Status != "OPEN" || last.Body != "Das Export-Log ist angehängt." || last.Internal || !strings.EqualFold(last.Author.Email, "c1.key_user@test.example") ||
		len(v.Node.Attachments) != 1 || v.Node.Attachments[0].Filename != "export.log" || r.Attachments[0] != "export.log: attached" {
		t.Fatalf("after the reply: status %s, comment %+v", v.Node.Status, last)
	}
	st := m.app.DB.Client.Ticket.GetX(trusted(), mustID(tk.ID))
	if st.Status != ticket.StatusOPEN || len(st.WaitingPeriods) != 1 || st.WaitingPeriods[0].End == nil {
		t.Fatalf("waiting clock: %+v", st.WaitingPeriods)
	}
	// A reply naming only the ticket number in its subject finds the ticket too.
	m.deliver("c1.key_user@test.example", "support@p1.test", "From: c1.key_user@test.example\nSubject: Nachtrag zu "+number+"\n\nNoch etwas.\n")
	if r := m.lastInbound(); r.Status != inboundmail.StatusCOMMENT_ADDED || *r.TicketID != mustID(tk.ID) {
		t.Fatalf("subject reply: %+v", r)
	}

	// A password reset token is mailed to its user, and not kept once sent.
	var rst struct{ StartPasswordReset struct{ Token string } }
	m.ok(m.token(m.w, "P1.ADMIN"), opStartRst, map[string]any{"id": gidOf(m.w.users["P1.AGENT"].ID)}, &rst)
	if n := m.flush(); n != 1 {
		t.Fatalf("reset mails %d", n)
	}
	got = m.catcher.messages()
	p := got[len(got)-1]
	if !strings.EqualFold(p.to[0], "p1.agent@test.example") || p.from != "noreply@sd.test" || p.env.GetHeader("Subject") != "Your password reset" ||
		!strings.Contains(p.env.Text, rst.StartPasswordReset.Token) {
		t.Fatalf("reset mail: %v %q", p.to, p.env.Text)
	}
	sent := m.app.DB.Client.OutboundMail.Query().Where(outboundmail.Kind("PASSWORD_RESET")).OnlyX(trusted())
	if sent.TextBody != "" || sent.HTMLBody != "" {
		t.Fatalf("the token stayed in the outbox")
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// TestIssue17MailRejected: a relay's permanent refusal fails the mail at once; a provider
// without a support address sends no ticket mail.
func TestIssue17MailRejected(t *testing.T) {
	m := newMailEnv(t)
	key, agent := m.token(m.w, "C1.KEY_USER"), m.token(m.w, "P1.AGENT")
	tk := m.create(key, questionInput("No address yet"))
	const opComment = `mutation($in: AddCommentInput!){ addComment(input:$in){ comment{ id } } }`
	m.ok(agent, opComment, map[string]any{"in": map[string]any{"ticketID": tk.ID, "body": "first"}}, nil)
	if n := m.app.DB.Client.OutboundMail.Query().CountX(trusted()); n != 0 {
		t.Fatalf("%d mails without a support address", n)
	}
	m.setAddress("P1.ADMIN", "P1", "support@p1.test")
	m.ok(agent, opComment, map[string]any{"in": map[string]any{"ticketID": tk.ID, "body": "second"}}, nil)
	m.catcher.Reject.Store(1)
	if n := m.flush(); n != 1 {
		t.Fatalf("attempted %d", n)
	}
	row := m.app.DB.Client.OutboundMail.Query().OnlyX(trusted())
	if row.Status != outboundmail.StatusFAILED || row.Attempts != 1 || !strings.Contains(row.LastError, "550") || m.flush() != 0 {
		t.Fatalf("rejected mail: %+v", row)
	}
}

// TestIssue17MailOnceOnly: a once-only notification is mailed once, also to a user who turned
// its kind off in-app and on by mail.
func TestIssue17MailOnceOnly(t *testing.T) {
	m := newMailEnv(t)
	key := m.token(m.w, "C1.KEY_USER")
	m.ok(key, opSetPref, map[string]any{"k": "CONTINGENT_WARNING", "i": false, "m": true}, nil)
	msg := notify.Message{RecipientID: m.w.users["C1.KEY_USER"].ID, Kind: notify.ContingentWarning, Title: "L1 at 80 %", DedupKey: "warn:1"}
	for range 2 {
		if err := notify.Send(trusted(), m.app.DB.Client, msg); err != nil {
			t.Fatal(err)
		}
	}
	if n := m.app.DB.Client.Notification.Query().CountX(trusted()); n != 0 {
		t.Fatalf("%d in-app notifications, kind turned off", n)
	}
	if n := m.flush(); n != 1 {
		t.Fatalf("%d mails, want 1", n)
	}
	got := m.catcher.messages()
	if got[0].env.GetHeader("Subject") != "Contingent warning" || !strings.Contains(got[0].env.Text, "L1 at 80 %") ||
		got[0].from != "noreply@sd.test" {
		t.Fatalf("mail: %q %q", got[0].env.GetHeader("Subject"), got[0].env.Text)
	}
}
