// Package notify owns in-app notifications: who is told about what (the fan-out helpers of
// fanout.go), the per-user preferences per kind, and reading them (unread count, mark read,
// mark all read).
//
// Rules every notification follows, enforced in Send:
//   - the actor of a change is never notified of their own action (the viewer in the context);
//   - a kind the recipient turned off in-app is not stored at all (not stored as read: a
//     notification nobody asked for would still show in "all" lists and cost rows). The mail
//     flag is stored for the mail channel of a later issue and does not change what is stored;
//   - a message with a dedup key is stored once, so a fan-out that runs twice notifies once.
//
// Notifications are written in the transaction of the change that causes them.
package notify
