import { KeyServiceErrorCode } from '../domain/key-service.exception';
import { httpStatusOf } from './key-service-exception.filter';

describe('key service errors over HTTP', () => {
  it.each([
    [KeyServiceErrorCode.KeyNotFound, 404],
    [KeyServiceErrorCode.KeyDestroyed, 410],
    [KeyServiceErrorCode.CallerNotAllowed, 403],
    [KeyServiceErrorCode.PurposeNotCreatableByCaller, 403],
    [KeyServiceErrorCode.ServicesNotPermittedForPurpose, 403],
    [KeyServiceErrorCode.AllowedServicesMismatch, 409],
    [KeyServiceErrorCode.UnknownPurpose, 400],
    [KeyServiceErrorCode.KeyUnwrapFailed, 500],
  ])('%s is %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
  });
});
