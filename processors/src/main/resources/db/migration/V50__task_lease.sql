-- Which server replica drives a task, and until when: fan-out claims the lease, the owner's
-- reconcile renews it, and another replica takes the task over only once the lease ran out.
alter table tasks add column owner varchar(64);
alter table tasks add column lease_until bigint;
