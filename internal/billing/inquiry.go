package billing

// InquiryBill returns the billable minutes of an inquiry with worked minutes of billable work
// (the rounded minutes of its billable entries) under a minimum per started inquiry:
// max(worked, minimum) once any billable work is booked, 0 before.
func InquiryBill(worked, minimum int) int {
	if worked <= 0 {
		return 0
	}
	return max(worked, minimum)
}

// InquiryEntry is one time entry of an inquiry as InquiryBilled sees it.
type InquiryEntry struct {
	// Minutes is the entry's rounded minutes.
	Minutes int
	// Billable: the entry's decision bills (Decision.Billable).
	Billable bool
	// Minimum is the decision's minimum per started inquiry.
	Minimum int
	// Fixed marks an entry of an issued month: its Billed minutes never change.
	Fixed bool
	// Billed is the billable minutes stored on the entry; only read when Fixed.
	Billed int
}

// InquiryBilled returns the billable minutes of each entry of one inquiry, given in booking
// order. Walking the entries, worked is the running sum of the billable entries' minutes and
// billed the running sum of what the entries bill; an open billable entry bills
// max(0, InquiryBill(worked, its minimum) − billed), a non-billable one 0, a fixed one what it
// billed when its month was issued. Without fixed entries the inquiry bills exactly
// InquiryBill(Σ billable minutes, minimum), spread so that each entry bills what it raises the
// inquiry's bill by; the last entry of the result is what BillableMinutes gives for a new
// booking. Fixed entries that billed more than the rule now asks keep it (issued months never
// change), so open entries bill only what is still missing.
func InquiryBilled(entries []InquiryEntry) []int {
	out := make([]int, len(entries))
	worked, billed := 0, 0
	for i, e := range entries {
		if e.Billable {
			worked += e.Minutes
		}
		switch {
		case e.Fixed:
			out[i] = e.Billed
		case e.Billable:
			out[i] = max(0, InquiryBill(worked, e.Minimum)-billed)
		}
		billed += out[i]
	}
	return out
}
