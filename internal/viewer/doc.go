// Package viewer holds who is asking: the authenticated user, their organisation and the
// organisation scopes that the tenancy rules in ent/schema/rule narrow every query to. It is a
// leaf package so that the Ent schema and every domain package can import it.
package viewer
