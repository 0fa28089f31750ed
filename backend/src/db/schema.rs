// One schema for both databases: the migrations of each keep these types.

diesel::table! {
    agencies (id) {
        id -> Text,
        name -> Text,
        org_number -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        agency_id -> Nullable<Text>,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        language -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    password_links (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        purpose -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    account_mail (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        subject_id -> Nullable<Text>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        key -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    integration_clients (id) {
        id -> Text,
        agency_id -> Text,
        name -> Text,
        client_id -> Text,
        secret_hash -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    terms_versions (id) {
        id -> Text,
        version -> Integer,
        title -> Text,
        body_nb -> Text,
        body_en -> Text,
        published_at -> Timestamp,
        published_by -> Text,
        body_nn -> Text,
    }
}

diesel::table! {
    terms_acceptances (id) {
        id -> Text,
        agency_id -> Text,
        terms_version_id -> Text,
        user_id -> Text,
        accepted_at -> Timestamp,
        confirm_responsible -> Bool,
        confirm_authority -> Bool,
    }
}

diesel::table! {
    units (id) {
        id -> Text,
        agency_id -> Text,
        external_id -> Text,
        name -> Text,
        parent_id -> Nullable<Text>,
        active -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    employees (id) {
        id -> Text,
        agency_id -> Text,
        external_id -> Text,
        email -> Text,
        unit_id -> Text,
        language -> Text,
        active -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    leader_units (user_id, unit_id) {
        user_id -> Text,
        unit_id -> Text,
    }
}

diesel::table! {
    imports (id) {
        id -> Text,
        agency_id -> Text,
        kind -> Text,
        mode -> Text,
        source -> Text,
        actor_id -> Text,
        actor_role -> Text,
        created_at -> Timestamp,
        rows_total -> BigInt,
        created -> BigInt,
        updated -> BigInt,
        deactivated -> BigInt,
        unchanged -> BigInt,
        idempotency_key -> Nullable<Text>,
        request_hash -> Text,
    }
}

diesel::table! {
    audit_heads (chain) {
        chain -> Text,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    audit_entries (id) {
        id -> BigInt,
        chain -> Text,
        at -> Timestamp,
        actor_id -> Text,
        actor_role -> Text,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<Text>,
        quantity -> Nullable<BigInt>,
    }
}

diesel::table! {
    audit_seals (chain, seq) {
        chain -> Text,
        seq -> BigInt,
        entry_id -> BigInt,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_unsealed (entry_id) {
        entry_id -> BigInt,
        chain -> Text,
    }
}

diesel::table! {
    questionnaire_versions (id) {
        id -> Text,
        version -> Integer,
        title -> Text,
        status -> Text,
        content -> Text,
        created_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    surveys (id) {
        id -> Text,
        agency_id -> Text,
        questionnaire_version_id -> Text,
        title -> Text,
        modules -> Text,
        languages -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        reminder_days -> Text,
        state -> Text,
        created_at -> Timestamp,
        launched_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        survey_id -> Text,
        employee_id -> Nullable<Text>,
        unit_id -> Text,
        language -> Text,
        answered -> Bool,
        opted_out -> Bool,
    }
}

diesel::table! {
    invitation_tokens (token_hash) {
        token_hash -> Text,
        invitation_id -> Text,
    }
}

diesel::table! {
    responses (id) {
        id -> Text,
        survey_id -> Text,
        unit_id -> Text,
        answers -> Text,
        research_consent -> Bool,
        receipt_hash -> Text,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        invitation_id -> Text,
        round -> Integer,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    opt_out_tokens (token_hash) {
        token_hash -> Text,
        invitation_id -> Text,
    }
}

// SQLite only: the last entry the trail took from the read inbox
// (`audit::inbox`).
diesel::table! {
    audit_inbox_done (id) {
        id -> Integer,
        last_id -> BigInt,
        inbox_key -> Text,
    }
}

diesel::table! {
    respondent_sessions (id) {
        id -> Text,
        survey_id -> Text,
    }
}

diesel::table! {
    answering_tally (survey_id) {
        survey_id -> Text,
        responses -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    releases (id) {
        id -> Text,
        survey_id -> Text,
        agency_id -> Text,
        questionnaire_version_id -> Text,
        frozen_at -> Timestamp,
        engine_version -> Integer,
        previous_survey_id -> Nullable<Text>,
        benchmark_agencies -> Nullable<Integer>,
        pattern_sha256 -> Text,
        stats -> Text,
    }
}

diesel::table! {
    release_groups (release_id, group_key) {
        release_id -> Text,
        group_key -> Text,
        kind -> Text,
        unit_id -> Nullable<Text>,
        parent_key -> Nullable<Text>,
        name -> Text,
        depth -> Integer,
        position -> Integer,
        responses -> Nullable<BigInt>,
        hidden -> Nullable<Text>,
        invited -> Nullable<BigInt>,
        answered -> Nullable<BigInt>,
        rate_hidden -> Nullable<Text>,
    }
}

diesel::table! {
    release_group_units (release_id, group_key, unit_id) {
        release_id -> Text,
        group_key -> Text,
        unit_id -> Text,
    }
}

diesel::table! {
    release_cells (release_id, group_key, measure) {
        release_id -> Text,
        group_key -> Text,
        measure -> Text,
        n -> Nullable<BigInt>,
        sum_milli -> Nullable<BigInt>,
        dist -> Nullable<Text>,
        mean_hidden -> Nullable<Text>,
        dist_hidden -> Nullable<Text>,
        vs_agency -> Nullable<BigInt>,
        vs_benchmark -> Nullable<BigInt>,
        vs_previous -> Nullable<BigInt>,
    }
}

diesel::table! {
    follow_ups (id) {
        id -> Text,
        agency_id -> Text,
        survey_id -> Text,
        unit_id -> Text,
        topic_key -> Text,
        title -> Text,
        description -> Text,
        owner -> Text,
        due_on -> Date,
        status -> Text,
        with_safety_rep -> Bool,
        with_union_reps -> Bool,
        with_employees -> Bool,
        visible_to_employees -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(audit_seals -> audit_entries (entry_id));
diesel::joinable!(audit_unsealed -> audit_entries (entry_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(password_links -> users (user_id));
diesel::joinable!(account_mail -> users (user_id));
diesel::joinable!(opt_out_tokens -> invitations (invitation_id));
diesel::joinable!(mail_outbox -> invitations (invitation_id));
diesel::joinable!(surveys -> agencies (agency_id));
diesel::joinable!(invitations -> employees (employee_id));
diesel::joinable!(invitation_tokens -> invitations (invitation_id));
diesel::joinable!(surveys -> questionnaire_versions (questionnaire_version_id));
diesel::joinable!(invitations -> surveys (survey_id));
diesel::joinable!(employees -> units (unit_id));
diesel::joinable!(terms_acceptances -> terms_versions (terms_version_id));
diesel::joinable!(terms_acceptances -> users (user_id));
diesel::joinable!(leader_units -> users (user_id));
diesel::joinable!(leader_units -> units (unit_id));
diesel::joinable!(releases -> surveys (survey_id));
diesel::joinable!(follow_ups -> units (unit_id));
diesel::joinable!(follow_ups -> surveys (survey_id));

diesel::allow_tables_to_appear_in_same_query!(
    follow_ups,
    releases,
    release_groups,
    release_group_units,
    release_cells,
    agencies,
    users,
    sessions,
    refresh_tokens,
    password_links,
    account_mail,
    login_failures,
    integration_clients,
    terms_versions,
    terms_acceptances,
    units,
    employees,
    leader_units,
    imports,
    audit_heads,
    audit_entries,
    audit_seals,
    audit_unsealed,
    questionnaire_versions,
    surveys,
    invitations,
    invitation_tokens,
    responses,
    mail_outbox,
    opt_out_tokens,
    respondent_sessions,
    answering_tally,
);
