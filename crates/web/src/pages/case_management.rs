//! The pages for supervision, extra-familial harm flags and the gangs unit, early help step-down and step-up, allocation, closure.
