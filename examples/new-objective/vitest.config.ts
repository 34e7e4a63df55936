import { infomaxProject } from '../../vitest.shared';

export default infomaxProject('example-new-objective');
