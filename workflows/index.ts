// The workflow bundle's entry point: every workflow type the worker registers.
export { leadJourney } from './leadJourney';
export { slaWatch } from './slaWatch';
export { cadenceEnrolment } from './cadenceEnrolment';
