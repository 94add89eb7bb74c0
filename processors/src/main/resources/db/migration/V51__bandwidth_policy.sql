-- A tenant's bandwidth policy, bytes per second (null: no cap): the download rate its tasks share
-- on each node, the most any one of its tasks may take on a node, and the rate its tasks share
-- on a supernode's seed (origin egress).
alter table tenants add column node_rate bigint;
alter table tenants add column task_rate bigint;
alter table tenants add column origin_rate bigint;
