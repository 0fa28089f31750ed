//! Every action the audit trail records, named once: `unit.create` on a
//! `unit`. A handler records through an `Action`, so no name is typed by
//! hand and the list below is the whole vocabulary of the trail.

macro_rules! actions {
    ($($variant:ident => $name:literal on $object:literal,)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($variant,)+
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)+];

            /// What was done, as stored: `<object>.<verb>`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)+
                }
            }

            /// What kind of object it was done to.
            pub fn object(self) -> &'static str {
                match self {
                    $(Action::$variant => $object,)+
                }
            }
        }
    };
}

actions! {
    AgencyCreate => "agency.create" on "agency",
    UserCreate => "user.create" on "user",
    UserList => "user.list" on "user",
    UserRead => "user.read" on "user",
    UserUpdate => "user.update" on "user",
    UserRoleChange => "user.role_change" on "user",
    UserDeactivate => "user.deactivate" on "user",
    UserReinvite => "user.reinvite" on "user",
    UserActivate => "user.activate" on "user",
    UserPasswordChange => "user.password_change" on "user",
    UserPasswordReset => "user.password_reset" on "user",
    UserPasswordResetRequest => "user.password_reset_request" on "user",
    SessionLogout => "session.logout" on "user",
    UnitCreate => "unit.create" on "unit",
    UnitUpdate => "unit.update" on "unit",
    UnitDeactivate => "unit.deactivate" on "unit",
    EmployeeList => "employee.list" on "employee",
    EmployeeRead => "employee.read" on "employee",
    EmployeeCreate => "employee.create" on "employee",
    EmployeeUpdate => "employee.update" on "employee",
    EmployeeDeactivate => "employee.deactivate" on "employee",
    ClientCreate => "integration_client.create" on "integration_client",
    ClientDeactivate => "integration_client.deactivate" on "integration_client",
    ImportCheck => "import.check" on "import",
    ImportApply => "import.apply" on "import",
    ImportReplay => "import.replay" on "import",
    ImportList => "import.list" on "import",
    ImportRead => "import.read" on "import",
    TermsPublish => "terms.publish" on "terms_version",
    TermsAccept => "terms.accept" on "terms_acceptance",
    TermsAcceptanceList => "terms_acceptance.list" on "terms_acceptance",
    QuestionnaireDraft => "questionnaire.draft" on "questionnaire_version",
    QuestionnaireUpdate => "questionnaire.update" on "questionnaire_version",
    QuestionnairePublish => "questionnaire.publish" on "questionnaire_version",
    SurveyCreate => "survey.create" on "survey",
    SurveyUpdate => "survey.update" on "survey",
    SurveyLaunch => "survey.launch" on "survey",
    SurveyClose => "survey.close" on "survey",
    ReportFreeze => "report.freeze" on "survey",
    ReportRead => "report.read" on "survey",
    ReportExport => "report.export" on "survey",
    FollowUpCreate => "follow_up.create" on "follow_up",
    FollowUpUpdate => "follow_up.update" on "follow_up",
    FollowUpList => "follow_up.list" on "follow_up",
    FollowUpRead => "follow_up.read" on "follow_up",
    FollowUpExport => "follow_up.export" on "follow_up",
    RespondentSessions => "respondent.session" on "survey",
    ResponsesReceived => "response.submit" on "survey",
    InvitationOptOut => "invitation.opt_out" on "invitation",
}

#[cfg(test)]
mod tests {
    use super::Action;

    #[test]
    fn gdpr_1_every_action_has_its_own_name_on_its_object() {
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len(), "two actions share a name");
        for a in Action::ALL {
            let (object, _) = a.name().split_once('.').unwrap_or(("", ""));
            assert!(
                a.object().starts_with(object) || a.object() == "survey" || a.object() == "user",
                "{:?}: {} on {}",
                a,
                a.name(),
                a.object()
            );
        }
    }
}
