export { flavorReconciler } from './flavor-reconciler';
