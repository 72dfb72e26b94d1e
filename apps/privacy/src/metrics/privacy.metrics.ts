import { defineCounter, defineGauge } from '#lumen/metrics';

/** Privacy's series. Actions, outcomes, reasons and purposes are closed lists. */
export const privacyMetrics = {
  keyOperations: defineCounter({
    name: 'lumen_key_operations_total',
    help: 'Key service calls by action (create, get, destroy), outcome (granted, refused, error) and reason code',
    labelNames: ['action', 'outcome', 'reason'],
  }),
  liveKeys: defineGauge({
    name: 'lumen_data_keys_live',
    help: 'Data keys not destroyed yet, by purpose',
    labelNames: ['purpose'],
  }),
  privacyRequestsOpen: defineGauge({
    name: 'lumen_privacy_requests_open',
    help: 'Privacy requests (access, erasure) received and not yet answered, by kind',
    labelNames: ['kind'],
  }),
  privacyRequestsOverdue: defineGauge({
    name: 'lumen_privacy_requests_overdue',
    help: 'Open privacy requests past their legal deadline, by kind',
    labelNames: ['kind'],
  }),
  privacyRequestNearestDeadline: defineGauge({
    name: 'lumen_privacy_request_nearest_deadline_seconds',
    help: 'Seconds until the nearest deadline of an open privacy request (negative when overdue; absent when none is open)',
    labelNames: ['kind'],
  }),
  privacyRequestTracking: defineGauge({
    name: 'lumen_privacy_request_tracking_available',
    help: '1 when the privacy service keeps a table of privacy requests to read deadlines from, else 0',
  }),
} as const;
