"""Classification into the six domains and 22 sub-areas, and routing to the responsible unit."""
