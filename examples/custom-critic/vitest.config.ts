import { infomaxProject } from '../../vitest.shared';

export default infomaxProject('example-custom-critic');
