"""Site visits: the officer proposes, confirms, changes or cancels a visit from the lead; the investor
gets the itinerary in their language with a calendar invitation (.ics) that updates itself."""
