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
// minimum applies to an inquiry's total, not to each entry (SPEC 12.12, seed 004 "mindst 15
// minutter pr. påbegyndt henvendelse"): an inquiry bills max(total, minimum), where total is the
// rounded minutes of its billable entries (InquiryBill). Each entry bills only what it raises
// that by, in booking order (InquiryBilled; BillableMinutes for a new booking from the
// inquiry's WorkedBefore and BilledBefore): under INVOICED rules 5 → 15, another 5 → 0, a
// further 10 → 5, 20 in all. A booking order, not the work date, keeps a retroactive booking
// from moving the minimum onto another entry. A split part is its own ticket, so its own
// inquiry with its own minimum.
//
// An entry's billable flag is its decision (Decision.Billable): the work is billable under the
// contract. Its billable minutes are what it adds to the inquiry's bill, so billable work can
// bill 0 minutes when the minimum already covers it; it still counts towards the inquiry's
// total. A non-billable entry bills 0 and counts nowhere.
//
// Amount turns minutes and an hourly rate in cents into cents with integer math only, rounding
// half away from zero, so a correction entry of -m minutes exactly cancels an entry of m minutes.
//
// # Statements add up
//
// One rounding rule (SPEC 12.12): money is rounded once per level and rate, never per entry or
// line. A level's amount is Σ over the snapshot rates of its entries of Amount(its billable
// minutes at that rate, rate); the statement's total is the sum of its levels. Everything
// shown below a level is apportioned from that amount by minutes (Apportion: exact shares
// rounded down, the missing cents to the largest remainders): the ticket lines of the level at
// each rate, and the split into minutes within the budget and extra minutes (StatementLine).
// So lines add up to their level, within + extra to the level, and levels to the total, to the
// cent, in the API, the CSV and the issued statement alike. Three lines of 10 minutes at 70.00
// an hour cost 35.00 together and show 11.67, 11.67 and 11.66.
//
// # Dates
//
// Hyper-care dates are civil dates: only the year, month and day of a time.Time in its own
// location count. Callers pass the first training day and the work date in the contract's
// calendar location (or both as UTC midnights), never a local midnight converted to UTC.
package billing
