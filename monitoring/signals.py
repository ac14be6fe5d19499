from django.dispatch import Signal

# Sent after the transaction that evaluated a submission commits, with `submission_id` and `periods`:
# the (year, region_id) pairs its results fall in. The statistics (reports app) listen.
submission_evaluated = Signal()
