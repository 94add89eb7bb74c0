-- Darner control plane schema. Portable across H2, PostgreSQL and MySQL/MariaDB: times are
-- epoch milliseconds (bigint), ids are strings chosen by the application, no identity columns.

create table users (
    username      varchar(64)  not null primary key,
    password_hash varchar(200) not null,
    role          varchar(32)  not null,
    created_at    bigint       not null
);

create table api_tokens (
    token_hash varchar(64)  not null primary key,
    username   varchar(64)  not null,
    name       varchar(100) not null,
    created_at bigint       not null,
    expires_at bigint,
    constraint fk_token_user foreign key (username) references users (username) on delete cascade
);

create table clusters (
    name       varchar(64) not null primary key,
    kind       varchar(16) not null,
    created_at bigint      not null,
    created_by varchar(64) not null
);

create table cluster_nodes (
    cluster_name varchar(64)  not null,
    node_id      varchar(128) not null,
    room         varchar(64)  not null,
    primary key (cluster_name, node_id),
    constraint fk_node_cluster foreign key (cluster_name) references clusters (name) on delete cascade
);

create table file_versions (
    name       varchar(128)  not null,
    version    varchar(64)   not null,
    source_url varchar(2048) not null,
    digest     varchar(71),
    size_bytes bigint,
    created_at bigint        not null,
    created_by varchar(64)   not null,
    primary key (name, version)
);

create table tasks (
    id           varchar(36)   not null primary key,
    state        varchar(16)   not null,
    source_url   varchar(2048) not null,
    file_ref     varchar(200),
    digest       varchar(71),
    target_path  varchar(1024) not null,
    cluster_name varchar(64),
    rate_bytes   bigint,
    start_at     bigint,
    created_at   bigint        not null,
    created_by   varchar(64)   not null,
    started_at   bigint,
    finished_at  bigint,
    size_bytes   bigint,
    content_id   varchar(71),
    copied_from  varchar(36),
    cause        varchar(1000)
);
create index ix_tasks_state on tasks (state);
create index ix_tasks_created on tasks (created_at);

create table task_nodes (
    task_id        varchar(36)  not null,
    node_id        varchar(128) not null,
    room           varchar(64)  not null,
    state          varchar(16)  not null,
    verified_bytes bigint       not null,
    size_bytes     bigint,
    from_source    boolean      not null,
    message        varchar(1000),
    updated_at     bigint       not null,
    finished_at    bigint,
    primary key (task_id, node_id),
    constraint fk_node_task foreign key (task_id) references tasks (id) on delete cascade
);

create table task_events (
    task_id varchar(36)   not null,
    seq     int           not null,
    at_ms   bigint        not null,
    kind    varchar(32)   not null,
    state   varchar(16),
    node_id varchar(128),
    cause   varchar(1000) not null,
    primary key (task_id, seq),
    constraint fk_event_task foreign key (task_id) references tasks (id) on delete cascade
);

create table audit_log (
    id      varchar(36)   not null primary key,
    at_ms   bigint        not null,
    actor   varchar(64)   not null,
    action  varchar(64)   not null,
    target  varchar(300),
    outcome varchar(16)   not null,
    detail  varchar(1000)
);
create index ix_audit_at on audit_log (at_ms);
