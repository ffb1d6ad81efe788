/** The search services and their input schemas, for the results page's loader. Server-only. */
export {
  searchMandatesQuery,
  searchOrganisationsQuery,
  searchPeopleQuery,
  searchQuery,
} from '../../worker/modules/search/search.schemas';
export {
  search,
  searchMandates,
  searchOrganisations,
  searchPeople,
} from '../../worker/modules/search/search.service';
