//! The pages for strategy discussions, section 47 enquiries, conferences and core groups.
