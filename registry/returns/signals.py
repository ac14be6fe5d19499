from django.dispatch import Signal

# Sent after the transaction that accepted a return commits, with `waste_return_id`, `year` and
# `region_id`. The statistics (reports app) listen; the returns app itself does not know who does.
return_accepted = Signal()
# Sent likewise, with the same arguments, after a return is submitted and after it is sent back for correction:
# the statistics count the returns each figure covers (expected, accepted, submitted, missing).
return_submitted = Signal()
return_sent_back = Signal()
