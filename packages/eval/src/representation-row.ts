/** One line of an evaluation table: plain JSON, ready for a report. */
export interface RepresentationRow {
  name: string;
  /** Features per example. */
  dim: number;
  linearProbeTrainAccuracy: number;
  linearProbeTestAccuracy: number;
  /** null when kNN was switched off. */
  knnTestAccuracy: number | null;
  /** The L2 strength of the final probe. */
  linearProbeWeightDecay: number;
}
