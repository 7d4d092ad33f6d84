//! The pages for child and family assessments, CIN and CP plans with actions and reviews, visits.
