//! Commitments: the asset owner and the promising party may change them,
//! an engagement's assessor may read them.

use super::*;

/// Commitments the two sides may change: the caller's organization is the
/// asset owner or the supplier of it.
pub fn commitments_of_party(actor: &Actor) -> Select<commitment::Entity> {
    commitments_of_org(actor.org_id())
}

/// The commitments organization `org` is a party to, for a credential that
/// stands for the organization rather than a member (the calendar feed's
/// token, checked by its caller).
pub fn commitments_of_org(org: OrgId) -> Select<commitment::Entity> {
    commitment::Entity::find().filter(
        Condition::any()
            .add(commitment::Column::OwnerOrgId.eq(org))
            .add(commitment::Column::SupplierOrgId.eq(org)),
    )
}

/// The commitments of the asset owner's portfolio.
pub fn commitments_as_owner(actor: &Actor) -> Select<commitment::Entity> {
    commitment::Entity::find().filter(commitment::Column::OwnerOrgId.eq(actor.org_id().0))
}

/// The commitments the actor's organization promised (it is the party that
/// fulfils them).
pub fn commitments_promised_by(actor: &Actor) -> Select<commitment::Entity> {
    commitment::Entity::find().filter(commitment::Column::PartyOrgId.eq(actor.org_id().0))
}

/// Commitments the caller may read: [`commitments_of_party`], and for an
/// assessor those of the engagements it was invited into.
pub fn commitments_readable(actor: &Actor) -> Select<commitment::Entity> {
    let org = actor.org_id().0;
    let mut any = Condition::any()
        .add(commitment::Column::OwnerOrgId.eq(org))
        .add(commitment::Column::SupplierOrgId.eq(org));
    if actor.kinds().contains(&OrgKind::Assessor) {
        any = any
            .add(commitment::Column::EngagementId.in_subquery(engagements_assessed_by(OrgId(org))));
    }
    commitment::Entity::find().filter(any)
}

/// How the caller's organization stands to a commitment.
pub fn commitment_role(actor: &Actor, c: &commitment::Model) -> CommitmentRole {
    let org = actor.org_id().0;
    CommitmentRole {
        promises: c.party_org_id == OrgId(org),
        proposed: c.proposed_by_org_id == OrgId(org),
        owner: c.owner_org_id == OrgId(org),
    }
}

/// Whether the caller's role lets it act for its side of the commitment.
pub fn may_act_on_commitment(actor: &Actor, c: &commitment::Model) -> bool {
    let org = actor.org_id().0;
    if c.owner_org_id == OrgId(org) {
        actor.may(Permission::ReviewAssessments) || actor.may(Permission::ManageEngagements)
    } else if c.supplier_org_id == OrgId(org) {
        actor.may(Permission::AnswerAssessments)
    } else {
        false
    }
}
