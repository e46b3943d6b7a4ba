/** Moved to shared/ so the server fills the routines' texts the same way. */
export * from '../../../shared/variables';
