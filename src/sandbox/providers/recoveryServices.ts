/** The Recovery Services provider lives in ./recoveryServices/ (one file per area); this is its entry point. */
export { recoveryServices } from './recoveryServices/index';
