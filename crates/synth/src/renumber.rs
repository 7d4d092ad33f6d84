//! Ids in the order records are written.
//!
//! The generator makes each record's id from the time the record was (synthetically) created, years apart
//! within one family. Written in that order, every index insert lands somewhere random in its B-tree, and each
//! batch rewrites most of the database. A council migrating to Frontdoor gives its old records new ids when it
//! imports them, in import order; the demo does the same: after a batch is generated its ids are replaced, in
//! the order the store writes the tables, by UUID v7s that increase through the whole run. References to the
//! organisation (workers, teams, practice weeks) are left alone.

use std::collections::HashMap;

use domain::records::*;
use uuid::Uuid;

use crate::util::mix;

/// Hands out increasing UUID v7s: 4,096 per millisecond after `base_ms`, with deterministic random bits.
pub(crate) struct IdSequence {
    base_ms: u64,
    next: u64,
    seed: u64,
}

impl IdSequence {
    pub(crate) fn new(base_ms: u64, seed: u64) -> IdSequence {
        IdSequence {
            base_ms,
            next: 0,
            seed,
        }
    }

    fn mint(&mut self) -> Uuid {
        let n = self.next;
        self.next += 1;
        let ms = self.base_ms + n / 4096;
        let counter = n % 4096;
        let noise = mix(self.seed, n, 0x1D5).to_be_bytes();
        let mut bytes = [0u8; 10];
        // The first 12 bits after the version hold the counter, so ids within a millisecond keep their order.
        bytes[0] = u8::try_from(counter >> 8).unwrap_or(0) & 0x0F;
        bytes[1] = u8::try_from(counter & 0xFF).unwrap_or(0);
        for (b, x) in bytes.iter_mut().skip(2).zip(noise) {
            *b = x;
        }
        uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid()
    }
}

struct Map<'s> {
    ids: HashMap<Uuid, Uuid>,
    seq: &'s mut IdSequence,
}

impl Map<'_> {
    /// Give a record's own id its new value.
    fn define<T: Copy + Into<Uuid> + From<Uuid>>(&mut self, id: &mut T) {
        let new = self.seq.mint();
        self.ids.insert((*id).into(), new);
        *id = T::from(new);
    }

    /// Point a reference at the new id (references outside the batch stay as they are).
    fn refer<T: Copy + Into<Uuid> + From<Uuid>>(&self, id: &mut T) {
        if let Some(new) = self.ids.get(&(*id).into()) {
            *id = T::from(*new);
        }
    }

    fn refer_opt<T: Copy + Into<Uuid> + From<Uuid>>(&self, id: &mut Option<T>) {
        if let Some(id) = id {
            self.refer(id);
        }
    }
}

/// Replace every id defined in `s`, in the order the store writes the tables, and every reference to them.
pub(crate) fn renumber(s: &mut RecordSet, seq: &mut IdSequence) {
    let mut m = Map {
        ids: HashMap::new(),
        seq,
    };
    // Define, in write order (teams and users come from the organisation and are not in batches).
    s.people.iter_mut().for_each(|r| m.define(&mut r.id));
    s.households.iter_mut().for_each(|r| m.define(&mut r.id));
    s.relationships.iter_mut().for_each(|r| m.define(&mut r.id));
    s.contacts.iter_mut().for_each(|r| m.define(&mut r.id));
    s.rag_changes.iter_mut().for_each(|r| m.define(&mut r.id));
    s.mash_enquiries
        .iter_mut()
        .for_each(|r| m.define(&mut r.id));
    s.information_requests
        .iter_mut()
        .for_each(|r| m.define(&mut r.id));
    s.referrals.iter_mut().for_each(|r| m.define(&mut r.id));
    s.early_help_episodes
        .iter_mut()
        .for_each(|r| m.define(&mut r.id));
    s.strategy_discussions
        .iter_mut()
        .for_each(|r| m.define(&mut r.id));
    s.section47s.iter_mut().for_each(|r| m.define(&mut r.id));
    s.assessments.iter_mut().for_each(|r| m.define(&mut r.id));
    s.plans.iter_mut().for_each(|r| m.define(&mut r.id));
    s.conferences.iter_mut().for_each(|r| m.define(&mut r.id));
    s.core_groups.iter_mut().for_each(|r| m.define(&mut r.id));
    s.visits.iter_mut().for_each(|r| m.define(&mut r.id));
    s.supervisions.iter_mut().for_each(|r| m.define(&mut r.id));
    s.practice_weeks
        .iter_mut()
        .for_each(|r| m.define(&mut r.id));
    s.case_file_audits
        .iter_mut()
        .for_each(|r| m.define(&mut r.id));
    s.actions.iter_mut().for_each(|r| m.define(&mut r.id));
    s.plan_reviews.iter_mut().for_each(|r| m.define(&mut r.id));
    s.case_notes.iter_mut().for_each(|r| m.define(&mut r.id));
    s.allocations.iter_mut().for_each(|r| m.define(&mut r.id));
    s.child_flags.iter_mut().for_each(|r| m.define(&mut r.id));
    s.specialist_involvements
        .iter_mut()
        .for_each(|r| m.define(&mut r.id));
    s.emergency_protections
        .iter_mut()
        .for_each(|r| m.define(&mut r.id));

    // Refer.
    for r in &mut s.household_members {
        m.refer(&mut r.household_id);
        m.refer(&mut r.person_id);
    }
    for r in &mut s.relationships {
        m.refer(&mut r.person_id);
        m.refer(&mut r.related_person_id);
    }
    for r in &mut s.contacts {
        m.refer(&mut r.child_id);
        m.refer_opt(&mut r.sibling_group);
    }
    for r in &mut s.rag_changes {
        m.refer(&mut r.contact_id);
        m.refer(&mut r.child_id);
    }
    for r in &mut s.mash_enquiries {
        m.refer(&mut r.contact_id);
        m.refer(&mut r.child_id);
    }
    for r in &mut s.information_requests {
        m.refer(&mut r.mash_enquiry_id);
        m.refer(&mut r.contact_id);
        m.refer(&mut r.child_id);
    }
    for r in &mut s.referrals {
        m.refer(&mut r.child_id);
        m.refer_opt(&mut r.contact_id);
    }
    for r in &mut s.early_help_episodes {
        m.refer(&mut r.child_id);
        m.refer_opt(&mut r.contact_id);
        m.refer_opt(&mut r.stepped_down_from);
        m.refer_opt(&mut r.stepped_up_to);
    }
    for r in &mut s.strategy_discussions {
        m.refer(&mut r.child_id);
        m.refer_opt(&mut r.referral_id);
        m.refer_opt(&mut r.contact_id);
        m.refer_opt(&mut r.review_of);
    }
    for r in &mut s.section47s {
        m.refer(&mut r.child_id);
        m.refer(&mut r.referral_id);
        m.refer(&mut r.strategy_discussion_id);
    }
    for r in &mut s.assessments {
        m.refer(&mut r.child_id);
        m.refer(&mut r.referral_id);
    }
    for r in &mut s.plans {
        m.refer(&mut r.child_id);
        m.refer(&mut r.referral_id);
    }
    for r in &mut s.conferences {
        m.refer(&mut r.child_id);
        m.refer_opt(&mut r.section47_id);
        m.refer_opt(&mut r.plan_id);
    }
    for r in &mut s.core_groups {
        m.refer(&mut r.child_id);
        m.refer(&mut r.plan_id);
    }
    for r in &mut s.visits {
        m.refer(&mut r.child_id);
        m.refer_opt(&mut r.plan_id);
    }
    for r in &mut s.supervisions {
        for c in &mut r.cases {
            m.refer(&mut c.child_id);
        }
    }
    for r in &mut s.case_file_audits {
        m.refer(&mut r.child_id);
        m.refer_opt(&mut r.practice_week_id);
    }
    for r in &mut s.actions {
        m.refer_opt(&mut r.child_id);
        match &mut r.parent {
            ActionParent::StrategyDiscussion(id) => m.refer(id),
            ActionParent::Plan(id) => m.refer(id),
            ActionParent::Supervision(id) => m.refer(id),
            ActionParent::CaseFileAudit(id) => m.refer(id),
        }
    }
    for r in &mut s.plan_reviews {
        m.refer(&mut r.child_id);
        m.refer(&mut r.plan_id);
        for p in &mut r.progress {
            m.refer(&mut p.action_id);
        }
    }
    for r in &mut s.case_notes {
        m.refer(&mut r.child_id);
    }
    for r in &mut s.allocations {
        m.refer(&mut r.child_id);
    }
    for r in &mut s.child_flags {
        m.refer(&mut r.child_id);
    }
    for r in &mut s.specialist_involvements {
        m.refer(&mut r.child_id);
    }
    for r in &mut s.emergency_protections {
        m.refer(&mut r.child_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_increase_in_the_order_they_are_minted() {
        let mut seq = IdSequence::new(1_700_000_000_000, 9);
        let ids: Vec<Uuid> = (0..10_000).map(|_| seq.mint()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert!(ids.iter().all(|u| u.get_version_num() == 7));
    }
}
