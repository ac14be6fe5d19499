from django.dispatch import Signal

# Sent after the transaction that accepted a return commits, with `waste_return_id`, `year` and
# `region_id`. The statistics (reports app) listen; registry itself does not know who does.
return_accepted = Signal()
