"""On-call schedules: layers, restrictions, overrides, the DST-correct resolver, iCal feeds, on-call health."""
