//! Local authorities, their settings, teams and the people who use Frontdoor.

use serde::{Deserialize, Serialize};

use crate::clocks::ClockSettings;
use crate::codes::{Agency, Role, TeamKind, ThresholdLevel};
use crate::datetime::{Date, Timestamp};
use crate::identifiers::LaCode;
use crate::ids::{TeamId, UserId};

/// A local authority served by this deployment, with the local policy its clocks and screens follow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalAuthority {
    pub code: LaCode,
    pub name: String,
    pub settings: LaSettings,
}

/// Local policy: the LA's clocks, its names for the four threshold levels, and its extra closure days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LaSettings {
    pub clocks: ClockSettings,
    /// Names of threshold levels 1–4 on the LA's continuum of need.
    pub threshold_names: [String; 4],
    /// Whether every contact decision needs a manager's oversight before it stands.
    pub decision_needs_manager: bool,
    /// Days the LA's offices are closed besides bank holidays (e.g. between Christmas and New Year).
    pub closure_days: Vec<Date>,
    /// The LA's letter templates, where it has edited the built-in ones ([`crate::letters::built_in`]).
    #[serde(default)]
    pub letters: Vec<crate::letters::LetterTemplate>,
    /// How long the LA keeps a child's case file, by its deepest involvement, each period with its source
    /// ([`crate::retention`]); settings kept before the schedule existed read as the defaults.
    #[serde(default = "crate::retention::default_schedule")]
    pub retention: Vec<crate::retention::Period>,
}

impl Default for LaSettings {
    fn default() -> Self {
        Self {
            clocks: ClockSettings::default(),
            threshold_names: [
                "Universal".to_owned(),
                "Early help".to_owned(),
                "Child in need".to_owned(),
                "Child protection".to_owned(),
            ],
            decision_needs_manager: true,
            closure_days: Vec::new(),
            letters: Vec::new(),
            retention: crate::retention::default_schedule(),
        }
    }
}

impl LaSettings {
    /// The LA's template for a kind of letter: its own if it edited one, else the built-in one.
    pub fn letter_template(
        &self,
        kind: crate::codes::LetterKind,
    ) -> crate::letters::LetterTemplate {
        self.letters
            .iter()
            .find(|t| t.kind == kind)
            .cloned()
            .unwrap_or_else(|| crate::letters::built_in(kind))
    }

    /// The settings with `template` in place of the LA's template of its kind.
    #[must_use]
    pub fn with_letter_template(mut self, template: crate::letters::LetterTemplate) -> LaSettings {
        self.letters.retain(|t| t.kind != template.kind);
        self.letters.push(template);
        self.letters.sort_by_key(|t| t.kind.code());
        self
    }

    pub fn threshold_name(&self, level: ThresholdLevel) -> &str {
        let [l1, l2, l3, l4] = &self.threshold_names;
        match level {
            ThresholdLevel::Level1 => l1,
            ThresholdLevel::Level2 => l2,
            ThresholdLevel::Level3 => l3,
            ThresholdLevel::Level4 => l4,
        }
    }

    /// The working-day calendar this LA's clocks run on.
    pub fn calendar(&self) -> crate::calendar::Calendar {
        crate::calendar::Calendar::england_and_wales()
            .with_closure_days(self.closure_days.iter().copied())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: TeamId,
    pub la: LaCode,
    pub name: String,
    pub kind: TeamKind,
}

/// Someone who signs in: a council worker, a partner agency practitioner, an inspector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Set for partner-agency practitioners: the agency whose requests they see.
    pub agency: Option<Agency>,
    /// The LAs whose records the user works on (a shared MASH serves several).
    pub las: Vec<LaCode>,
    pub team_id: Option<TeamId>,
    pub disabled: bool,
    pub created_at: Timestamp,
}
