"""Which skills exist and which one wins: the search order, the scan of the
search folders, precedence (shadowing, collisions, ``requires_skills`` order,
status), and the derived files that let a command skip work while nothing
changed on disk (the manifest cache, the listing snapshot, the run index)."""
