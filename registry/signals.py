from django.dispatch import Signal

# Sent after the transaction commits in which an enterprise's region changed over a span of time, with
# `enterprise_id`, `region_ids` (the regions it left and the one it joined), `valid_from` and `valid_to` (the span,
# days included; None is open). The statistics (reports app) listen: the years ending in the span move between
# those regions. registry itself does not know who listens.
enterprise_regions_changed = Signal()
