import { packageBuild } from '../../tsup.shared';

// The view worker is an entry of its own: worker threads load it by file name from dist/node/.
export default packageBuild(['src/index.ts', 'src/node/index.ts', 'src/node/view-worker.ts']);
