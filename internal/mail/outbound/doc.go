// Package outbound writes the mails Supportdesk sends (issue 17) as rows of the outbound-mail
// outbox, in the transaction of the change that causes them: public staff comments to the
// ticket's reporter, notifications a user chose to receive by mail, password-reset tokens and
// invitations (the token of a user created without a password).
// Each mail is rendered here, completely, in the recipient's language (English, German or
// Danish, matched from the user's language with golang.org/x/text/language), as plain text
// plus HTML. Package mail's worker sends the rows through the configured relay.
//
// # Threading
//
// Every row has a unique Message-Id local part; mails about a ticket carry the ticket number in
// the subject ("[SD-000042] …") and name the ticket's thread root ("ticket.SD-000042") in
// In-Reply-To and References, and are sent from the provider's support address. A reply thus
// comes back to the provider's listener and names one of our ids (or the number), which finds
// the ticket. The worker adds the configured domain to the local parts.
//
// This package sits below ticketflow, notify and admin (they call it), so it imports none of
// them; it writes with the privacy bypass because the actor (an agent commenting) causes mail
// to users whose rows they may not read.
package outbound
