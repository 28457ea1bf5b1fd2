import { errorBody } from './error-body';

describe('errorBody', () => {
  it('lists the one broken rule of a 422 that names none', () => {
    expect(errorBody(422, 'UNKNOWN_CAMPAIGN', 'No such campaign')).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      code: 'UNKNOWN_CAMPAIGN',
      message: 'No such campaign',
      details: [{ code: 'UNKNOWN_CAMPAIGN', message: 'No such campaign' }],
    });
  });

  it("keeps a 422's own list of broken rules", () => {
    const details = [
      { code: 'INCOME_ABOVE_LIMIT', message: 'a' },
      { code: 'AREA_ABOVE_LIMIT', message: 'b' },
    ];
    expect(errorBody(422, 'NOT_SUBMITTABLE', 'x', details).details).toEqual(details);
  });

  it('leaves the details of other statuses as given', () => {
    expect(errorBody(409, 'INVALID_STATE', 'x').details).toEqual([]);
    expect(errorBody(404, undefined, 'x')).toMatchObject({ code: 'NOT_FOUND', details: [] });
  });
});
