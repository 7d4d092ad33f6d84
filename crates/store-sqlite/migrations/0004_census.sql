-- CIN census imports: child protection plans brought over from another system keep the number of plans the
-- child had before them there (NumberOfPreviousCPP); NULL for our own plans, whose earlier plans are our records.
ALTER TABLE plan ADD COLUMN previous_cp_plans INTEGER;
