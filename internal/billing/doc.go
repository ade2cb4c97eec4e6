// Package billing owns the money rules of a support contract as pure functions: which booking
// bills and how (the billing matrix of SPEC 12.3), rounding of booked minutes, the hyper-care
// period, amounts in cents and the arithmetic of contingent budgets. It knows no database and
// no GraphQL; enums are plain typed strings spelled as in the schema, so the Ent hooks and the
// contingent service convert with a string cast.
//
// # The billing matrix
//
// Decide looks up one table, agreement type × ticket type × whether the inquiry's channel is
// covered, and applies a short ordered list of booking-level rules around it:
//
//  1. Time booked on delivering a vendor fix is never billable (SPEC 12.11).
//  2. A PRODUCT_IDEA is never billable.
//  3. An inquiry staff reclassified as billable work is billable even during hyper care: by its
//     table row when that row bills (so on CONTINGENT it uses the contingent), otherwise under
//     INVOICED rules. Seed 004: an "error" caused by the customer changing implemented workflows
//     is a billable service request, and work not covered by an agreement is billed for the time
//     used, at least 15 minutes per started inquiry.
//     A detailed change-request estimate is billable work in the same way (seed 004:
//     "Decideret estimering og udarbejdelse af tilbud … faktureres efter gældende takst"); a rough
//     estimate is never booked as such. Its cost is credited against the offer's price when the
//     customer accepts it (package ticketflow keeps the credit on the ticket).
//  4. During hyper care QUESTIONs and INCIDENTs are free (SPEC 12.2). CHANGE_REQUESTs and
//     SERVICE_REQUESTs are billed by the table as usual, with every channel counted as covered,
//     because hyper care opens all channels; so on EXTENDED and BASIC they stay included, on
//     INVOICED they bill, on CONTINGENT they use the contingent.
//  5. An INCIDENT on a contract with incidentsBillable is billable like a reclassified one.
//  6. Otherwise the table decides. Incidents are free except on CONTINGENT, where they are
//     billable work on the level's contingent on any channel (SPEC 12.3). A non-incident on a
//     channel the agreement does not cover is billed under INVOICED rules, at least 15 minutes
//     per started inquiry, and never against a contingent (SPEC 12.1).
//
// The contract's own minimum (Terms.MinBillableMinutes) raises the table's minimum, never lowers
// it: INVOICED rules always mean at least 15 minutes.
//
// # Minutes and money
//
// RoundUp rounds every booking up to the contract's increment (5 minutes by default). The
// minimum applies once per started inquiry: BillableMinutes raises a booking only by what the
// inquiry still lacks, given the minutes already billed on it. Amount turns minutes and an hourly
// rate in cents into cents with integer math only, rounding half away from zero, so a correction
// entry of -m minutes exactly cancels an entry of m minutes.
//
// # Dates
//
// Hyper-care dates are civil dates: only the year, month and day of a time.Time in its own
// location count. Callers pass the first training day and the work date in the contract's
// calendar location (or both as UTC midnights), never a local midnight converted to UTC.
package billing
