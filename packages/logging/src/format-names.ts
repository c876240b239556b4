/** Output formats: JSON lines, human-readable, Elastic Common Schema, Datadog's reserved attributes. */
export type LogFormat = 'json' | 'pretty' | 'ecs' | 'datadog';

export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty', 'ecs', 'datadog'];
