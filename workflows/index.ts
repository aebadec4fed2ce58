// The workflow bundle's entry point: every workflow type the worker registers.
export { leadJourney } from './leadJourney';
export { slaWatch } from './slaWatch';
export { cadenceEnrolment } from './cadenceEnrolment';
export { dealJourney } from './dealJourney';
export { quoteApproval } from './quoteApproval';
export { contractRenewal } from './contractRenewal';
export { rulesReevaluation } from './rulesReevaluation';
