//! A child's details page: the details as they are now with a form to change them (each change kept, with what
//! it said before), the addresses over time with a form to record a move, relationships (add, change, end),
//! the professionals involved (add, end), possible duplicates and, for managers, a form to merge this record
//! into another. Every form is a plain form post on the form kit.

use askama::Template;
use axum::response::Response;
use domain::codes::{Disability, Ethnicity, ProfessionalRole, RelationshipKind, Sex};
use domain::ids::{PersonId, ProfessionalId, RelationshipId};
use domain::people::{
    AddressInput, DetailsInput, ProfessionalEndInput, ProfessionalInput, RelationshipChangeInput,
    RelationshipInput,
};
use domain::policy::{Action, Area};
use service::people::MergeInput;
use service::people::{PersonView, ProfessionalView, RelationshipView};
use store::Store;

use super::form::{ChildFormsPage, Form, FormValues, Forms, after_child_change, options};
use super::{Layout, render_ok};
use crate::Shared;
use crate::error::WebError;
use crate::extract::{Id, Ids, Page, SignedIn};

#[derive(Template)]
#[template(path = "people.html")]
struct DetailsPage {
    layout: Layout,
    view: PersonView,
    saved: Option<&'static str>,
    forms: Forms,
    may_update: bool,
    may_merge: bool,
    today: String,
    sexes: Vec<(String, String)>,
    ethnicities: Vec<(String, String)>,
    disabilities: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    roles: Vec<(String, String)>,
    /// People on the record a relationship may be to: (id, name).
    people: Vec<(String, String)>,
    /// The duplicates as merge choices: (id, label).
    merge_choices: Vec<(String, String)>,
}

impl DetailsPage {
    fn day(&self, d: &domain::datetime::Date) -> String {
        super::date(d)
    }

    fn when(&self, t: &domain::datetime::Timestamp) -> String {
        super::time(t)
    }

    fn details_form(&self) -> Form {
        if self.forms.is_open("details") {
            return self.forms.get("details");
        }
        let p = &self.view.person;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut f = self.forms.get_with(
            "details",
            &[
                ("first_name", p.first_name.clone()),
                ("last_name", p.last_name.clone()),
                ("other_names", opt(&p.other_names)),
                (
                    "date_of_birth",
                    p.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
                ),
                ("sex", p.sex.code().to_owned()),
                ("gender_identity", opt(&p.gender_identity)),
                (
                    "ethnicity",
                    p.ethnicity.map(|e| e.code().to_owned()).unwrap_or_default(),
                ),
                ("first_language", opt(&p.first_language)),
                ("religion", opt(&p.religion)),
                (
                    "nhs_number",
                    p.nhs_number
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ),
                (
                    "upn",
                    p.upn.as_ref().map(ToString::to_string).unwrap_or_default(),
                ),
            ],
        );
        for d in &p.disabilities {
            f.values.push("disabilities", d.code());
        }
        f
    }

    fn address_form(&self) -> Form {
        self.forms
            .get_with("address", &[("moved_on", self.today.clone())])
    }

    fn relationship_form(&self) -> Form {
        self.forms.get("relationship")
    }

    fn change_form(&self, r: &RelationshipView) -> Form {
        let mut defaults = vec![("kind", r.kind.code().to_owned())];
        if r.parental_responsibility {
            defaults.push(("parental_responsibility", "yes".to_owned()));
        }
        self.forms.get_with(&change_form(r.id), &defaults)
    }

    fn professional_form(&self) -> Form {
        self.forms
            .get_with("professional", &[("from", self.today.clone())])
    }

    fn end_form(&self, p: &ProfessionalView) -> Form {
        self.forms
            .get_with(&end_form(p.professional.id), &[("to", self.today.clone())])
    }

    fn merge_form(&self) -> Form {
        self.forms.get("merge")
    }
}

fn change_form(r: RelationshipId) -> String {
    format!("relationship-{r}")
}

fn end_form(p: ProfessionalId) -> String {
    format!("professional-{p}")
}

/// The details page.
pub struct Details;

impl ChildFormsPage for Details {
    const SEGMENT: &'static str = "details";

    async fn draw<S: Store>(
        state: &Shared<S>,
        who: &SignedIn,
        child: PersonId,
        failed: Option<Form>,
        saved: Option<&'static str>,
    ) -> Result<Response, WebError> {
        let view = state.services.person_details(&who.actor, child).await?;
        let forms = Forms::new(who, view.version, failed);
        let today = domain::datetime::london_date(state.services.now()).to_string();
        let title = format!("Details: {}", view.child.name);
        let people = view
            .relationships
            .iter()
            .filter(|r| !r.reversed)
            .map(|r| (r.person_id.to_string(), r.name.clone()))
            .collect();
        let merge_choices = view
            .duplicates
            .iter()
            .map(|d| {
                let born = d
                    .date_of_birth
                    .map(|b| format!(", born {}", super::date(&b)))
                    .unwrap_or_default();
                let id = d
                    .la_child_id
                    .as_ref()
                    .map(|i| format!(", {i}"))
                    .unwrap_or_default();
                (
                    d.id.to_string(),
                    format!("{}{born}{id} (same {})", d.name, d.matches_on),
                )
            })
            .collect();
        Ok(render_ok(DetailsPage {
            layout: who.layout(&forms.summary().title(&title), "/search"),
            saved,
            may_update: who.may(Area::CaseRecords, Action::Update),
            may_merge: who.may(Area::CaseRecords, Action::Approve),
            forms,
            today,
            sexes: options(Sex::ALL, Sex::code, Sex::label),
            ethnicities: options(Ethnicity::ALL, Ethnicity::code, Ethnicity::label),
            disabilities: options(Disability::ALL, Disability::code, Disability::label),
            kinds: options(
                RelationshipKind::ALL,
                RelationshipKind::code,
                RelationshipKind::label,
            ),
            roles: options(
                ProfessionalRole::ALL,
                ProfessionalRole::code,
                ProfessionalRole::label,
            ),
            people,
            merge_choices,
            view,
        }))
    }
}

/// `POST /children/{id}/details`.
pub async fn change_details<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = DetailsInput {
        first_name: v.get("first_name"),
        last_name: v.get("last_name"),
        other_names: v.get("other_names"),
        date_of_birth: v.get("date_of_birth"),
        sex: v.get("sex"),
        gender_identity: v.get("gender_identity"),
        ethnicity: v.get("ethnicity"),
        first_language: v.get("first_language"),
        religion: v.get("religion"),
        disabilities: v.all("disabilities"),
        nhs_number: v.get("nhs_number"),
        upn: v.get("upn"),
        reason: v.get("reason"),
    };
    let r = state
        .services
        .change_details(&who.actor, child, &input, v.version())
        .await;
    let form = Form::sent("details", v)
        .link("disabilities", "disabilities")
        .link("details", "first_name");
    after_child_change::<Details, _, _>(&state, &who, child, (form, "details"), r).await
}

/// `POST /children/{id}/details/addresses`.
pub async fn move_address<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = AddressInput {
        household_id: v.get("household_id"),
        line1: v.get("line1"),
        line2: v.get("line2"),
        town: v.get("town"),
        postcode: v.get("postcode"),
        moved_on: v.get("moved_on"),
        reason: v.get("reason"),
    };
    let r = state
        .services
        .move_address(&who.actor, child, &input, v.version())
        .await;
    let form = Form::sent("address", v).link("household_id", "line1");
    after_child_change::<Details, _, _>(&state, &who, child, (form, "address"), r).await
}

/// `POST /children/{id}/details/relationships`.
pub async fn add_relationship<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = RelationshipInput {
        person_id: v.get("person_id"),
        first_name: v.get("first_name"),
        last_name: v.get("last_name"),
        date_of_birth: v.get("date_of_birth"),
        kind: v.get("kind"),
        parental_responsibility: Some(v.yes("parental_responsibility").unwrap_or(false)),
        reason: v.get("reason"),
    };
    let r = state
        .services
        .add_relationship(&who.actor, child, &input, v.version())
        .await;
    let form = Form::sent("relationship", v);
    after_child_change::<Details, _, _>(&state, &who, child, (form, "relationship"), r).await
}

/// `POST /children/{id}/details/relationships/{relationship}`.
pub async fn change_relationship<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, relationship): Ids<PersonId, RelationshipId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = RelationshipChangeInput {
        kind: v.get("kind"),
        parental_responsibility: Some(v.yes("parental_responsibility").unwrap_or(false)),
        ended_on: v.get("ended_on"),
        reason: v.get("reason"),
    };
    let r = state
        .services
        .change_relationship(&who.actor, child, relationship, &input, v.version())
        .await;
    let form = Form::sent(&change_form(relationship), v).link("relationship", "kind");
    after_child_change::<Details, _, _>(&state, &who, child, (form, "relationship-changed"), r)
        .await
}

/// `POST /children/{id}/details/professionals`.
pub async fn add_professional<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = ProfessionalInput {
        role: v.get("role"),
        name: v.get("name"),
        organisation: v.get("organisation"),
        phone: v.get("phone"),
        email: v.get("email"),
        address: v.get("address"),
        from: v.get("from"),
    };
    let r = state
        .services
        .add_professional(&who.actor, child, &input, v.version())
        .await;
    let form = Form::sent("professional", v);
    after_child_change::<Details, _, _>(&state, &who, child, (form, "professional"), r).await
}

/// `POST /children/{id}/details/professionals/{professional}/end`.
pub async fn end_professional<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, professional): Ids<PersonId, ProfessionalId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = ProfessionalEndInput { to: v.get("to") };
    let r = state
        .services
        .end_professional(&who.actor, child, professional, &input, v.version())
        .await;
    let form = Form::sent(&end_form(professional), v).link("professional", "to");
    after_child_change::<Details, _, _>(&state, &who, child, (form, "professional-ended"), r).await
}

/// `POST /children/{id}/details/merge`: this record merged into the one chosen; then the record kept.
pub async fn merge<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = MergeInput {
        into: v.get("into"),
        reason: v.get("reason"),
    };
    let r = state
        .services
        .merge_person(&who.actor, child, &input, v.version())
        .await;
    let form = Form::sent("merge", v);
    // Saved: the merged id opens the record kept.
    after_child_change::<Details, _, _>(&state, &who, child, (form, "merged"), r).await
}
