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
    // Define, in write order; then refer.
    macro_rules! define_each {
        ($($t:ty),*) => { $( <$t as Record>::of_mut(s).iter_mut().for_each(|r| r.define(&mut m)); )* };
    }
    domain::record_kinds!(write_order: define_each);
    macro_rules! refer_each {
        ($($t:ty),*) => { $( <$t as Record>::of_mut(s).iter_mut().for_each(|r| r.refer(&m)); )* };
    }
    domain::record_kinds!(refer_each);
}

/// How a kind of record is renumbered: its own id, and its references to other records. Every kind of the
/// registry must say.
trait Renumbered: Record {
    /// Give the record's own id its new value.
    fn define(&mut self, m: &mut Map<'_>);
    /// Point the record's references at the new ids.
    fn refer(&mut self, m: &Map<'_>);
}

/// [`Renumbered`] for a kind with an `id`, whose references `refer` updates.
macro_rules! renumbered {
    ($t:ty, |$r:ident, $m:ident| $refer:block) => {
        impl Renumbered for $t {
            fn define(&mut self, m: &mut Map<'_>) {
                m.define(&mut self.id);
            }
            fn refer(&mut self, $m: &Map<'_>) {
                let $r = self;
                $refer
            }
        }
    };
}

/// Teams and users come from the organisation, not from batches, and keep their ids.
impl Renumbered for Team {
    fn define(&mut self, _: &mut Map<'_>) {}
    fn refer(&mut self, _: &Map<'_>) {}
}

impl Renumbered for User {
    fn define(&mut self, _: &mut Map<'_>) {}
    fn refer(&mut self, _: &Map<'_>) {}
}

/// A household member has no id of its own.
impl Renumbered for HouseholdMember {
    fn define(&mut self, _: &mut Map<'_>) {}
    fn refer(&mut self, m: &Map<'_>) {
        m.refer(&mut self.household_id);
        m.refer(&mut self.person_id);
    }
}

renumbered!(Person, |_r, _m| {});
renumbered!(Household, |_r, _m| {});
renumbered!(PracticeWeek, |_r, _m| {});
renumbered!(Relationship, |r, m| {
    m.refer(&mut r.person_id);
    m.refer(&mut r.related_person_id);
});
renumbered!(PersonRevision, |r, m| {
    m.refer(&mut r.person_id);
});
renumbered!(Professional, |r, m| {
    m.refer(&mut r.child_id);
});
renumbered!(Contact, |r, m| {
    m.refer(&mut r.child_id);
    m.refer_opt(&mut r.sibling_group);
});
renumbered!(RagChange, |r, m| {
    m.refer(&mut r.contact_id);
    m.refer(&mut r.child_id);
});
renumbered!(MashEnquiry, |r, m| {
    m.refer(&mut r.contact_id);
    m.refer(&mut r.child_id);
});
renumbered!(InformationRequest, |r, m| {
    m.refer(&mut r.mash_enquiry_id);
    m.refer(&mut r.contact_id);
    m.refer(&mut r.child_id);
});
renumbered!(Referral, |r, m| {
    m.refer(&mut r.child_id);
    m.refer_opt(&mut r.contact_id);
});
renumbered!(EarlyHelpEpisode, |r, m| {
    m.refer(&mut r.child_id);
    m.refer_opt(&mut r.contact_id);
    m.refer_opt(&mut r.stepped_down_from);
    m.refer_opt(&mut r.stepped_up_to);
});
renumbered!(StrategyDiscussion, |r, m| {
    m.refer(&mut r.child_id);
    m.refer_opt(&mut r.referral_id);
    m.refer_opt(&mut r.contact_id);
    m.refer_opt(&mut r.review_of);
    for p in &mut r.progress {
        m.refer(&mut p.action_id);
    }
});
renumbered!(Section47, |r, m| {
    m.refer(&mut r.child_id);
    m.refer(&mut r.referral_id);
    m.refer(&mut r.strategy_discussion_id);
});
renumbered!(Assessment, |r, m| {
    m.refer(&mut r.child_id);
    m.refer(&mut r.referral_id);
});
renumbered!(Plan, |r, m| {
    m.refer(&mut r.child_id);
    m.refer(&mut r.referral_id);
});
renumbered!(Conference, |r, m| {
    m.refer(&mut r.child_id);
    m.refer_opt(&mut r.section47_id);
    m.refer_opt(&mut r.plan_id);
});
renumbered!(CoreGroup, |r, m| {
    m.refer(&mut r.child_id);
    m.refer(&mut r.plan_id);
});
renumbered!(Visit, |r, m| {
    m.refer(&mut r.child_id);
    m.refer_opt(&mut r.plan_id);
});
renumbered!(Supervision, |r, m| {
    for c in &mut r.cases {
        m.refer(&mut c.child_id);
    }
});
renumbered!(CaseFileAudit, |r, m| {
    m.refer(&mut r.child_id);
    m.refer_opt(&mut r.practice_week_id);
});
renumbered!(Action, |r, m| {
    m.refer_opt(&mut r.child_id);
    match &mut r.parent {
        ActionParent::StrategyDiscussion(id) => m.refer(id),
        ActionParent::Plan(id) => m.refer(id),
        ActionParent::Supervision(id) => m.refer(id),
        ActionParent::CaseFileAudit(id) => m.refer(id),
    }
});
renumbered!(PlanReview, |r, m| {
    m.refer(&mut r.child_id);
    m.refer(&mut r.plan_id);
    for p in &mut r.progress {
        m.refer(&mut p.action_id);
    }
});
renumbered!(ActionUpdate, |r, m| {
    m.refer_opt(&mut r.child_id);
    m.refer(&mut r.action_id);
});
renumbered!(CaseNote, |r, m| {
    m.refer(&mut r.child_id);
    m.refer(&mut r.entry_id);
    m.refer_opt(&mut r.supersedes);
    for c in &mut r.also_about {
        m.refer(c);
    }
    if let Some((_, id)) = &mut r.about {
        m.refer(id);
    }
});
renumbered!(Allocation, |r, m| {
    m.refer(&mut r.child_id);
});
renumbered!(ChildFlag, |r, m| {
    m.refer(&mut r.child_id);
});
renumbered!(SpecialistInvolvement, |r, m| {
    m.refer(&mut r.child_id);
});
renumbered!(EmergencyProtection, |r, m| {
    m.refer(&mut r.child_id);
});
renumbered!(Document, |r, m| {
    m.refer(&mut r.child_id);
    m.refer_opt(&mut r.contact_id);
});

/// A document's content has no id of its own: it follows its document's.
impl Renumbered for DocumentContent {
    fn define(&mut self, _: &mut Map<'_>) {}
    fn refer(&mut self, m: &Map<'_>) {
        m.refer(&mut self.document_id);
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
