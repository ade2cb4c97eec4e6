// Package mail owns mail intake and delivery (issue 17).
//
// # Intake
//
// Listener is an SMTP server (github.com/emersion/go-smtp) that accepts mail only for the
// support addresses of providers (Organization.supportAddress), up to a size limit, with
// optional STARTTLS. Each accepted message is parsed with github.com/jhillyerd/enmime (MIME,
// charsets, HTML reduced to text) and handled once per receiving provider by Intake:
//
//   - every mail is stored as an InboundMail row first, so nothing is lost if handling fails;
//   - auto-replies and loops (Auto-Submitted other than "no", Precedence bulk/junk/list,
//     X-Autoreply, an empty return path, a Message-Id of our own, a sender that is a support
//     address) are kept as IGNORED: no ticket, no comment, no answer;
//   - a mail naming one of our Message-Ids in In-Reply-To/References, or a ticket number in its
//     subject, becomes a public comment of its sender on that ticket (quoted text cut off),
//     which reopens a ticket waiting for the customer exactly as a comment through the API;
//   - any other mail of a customer's user becomes a ticket (type QUESTION, priority P3, channel
//     EMAIL) raised by that user through ticketflow, so the contract's intake model holds: an
//     end user's mail under KEY_USER_GATED starts at level CUSTOMER with the key users;
//   - attachments go through ticketflow.Attach, with the upload rules (size, sniffed types);
//   - everything else (unknown sender, a sender the contract does not let raise tickets, a
//     reply the sender may not see, an unparseable mail) waits in the provider's review queue
//     (status REVIEW, with the reason, and the raw message kept up to a limit). The service desk
//     turns it into a ticket for a customer contact or discards it. Unknown senders get no
//     automatic answer: an answer to a forged sender is backscatter.
//
// A sender is known to a provider only as a user of one of its customers or as its own staff,
// so mail to one provider's address never creates anything another provider sees.
//
// # Delivery
//
// Package outbound writes mails as OutboundMail rows in the causing transaction. Worker sends
// due rows through the configured relay, claiming each with a guarded update and a lease like
// package webhook's worker, retrying with exponential backoff, and builds each message with
// github.com/emersion/go-message: a text and an HTML alternative, Message-Id, In-Reply-To and
// References for ticket threads.
package mail
