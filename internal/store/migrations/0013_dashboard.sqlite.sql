-- Each task's light on a past period's due date, computed once from what
-- had been filed by then (store.lightInputs with asOf): the dashboards'
-- trend across the year reads these instead of recomputing the year on
-- every view. Rows go when the task or the period changes.
CREATE TABLE period_lights (
    period_id BIGINT NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    task_id   BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    light     TEXT   NOT NULL,
    PRIMARY KEY (period_id, task_id)
);
CREATE INDEX period_lights_task ON period_lights(task_id);
