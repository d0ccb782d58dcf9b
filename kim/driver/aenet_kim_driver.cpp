// KIM API 2 model driver for aenet atomic neural-network potentials.
//
// The driver evaluates the potentials through the C API of aenet's library
// (aenet.h: aenet_init, aenet_load_potential, aenet_atomic_energy[_and_forces],
// aenet_Rc_max), so it works with any library that provides that API: this
// project's libaenet or aenet 2.0.4's own.
//
// Parameter files of a model (written by `kim-model`):
//   0: settings file, text:   "aenet-kim-model 1" header, then one line per species
//                             "<element> <basename of its .nn parameter file>"
//   1..n: the .nn files (aenet 2.0.4 binary layout).
//
// Conventions: zero-based numbering, full neighbour list with cutoff = largest
// potential cutoff, no neighbours of non-contributing particles requested,
// units Å / eV. Compute arguments: partialEnergy, partialForces,
// partialParticleEnergy, partialVirial, partialParticleVirial (all optional).

#include "KIM_LogMacros.hpp"
#include "KIM_ModelDriverHeaders.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

// aenet.h is a C header (uses _Bool; aenet's own has no extern "C" guard).
extern "C" {
// Extension of this project's libaenet (not in aenet 2.0.4): the virial of E_i,
// W += sum_j (r_j - r_i) (x) f_j, order xx yy zz xy xz yz. Weak: with a
// library that lacks it, the driver computes the virial from the forces.
void aenet_atomic_energy_forces_virial(double coo_i[3], int type_i,
                                       int index_i, int n_j, double coo_j[],
                                       int type_j[], int index_j[], int natoms,
                                       double * E_i, double F[],
                                       double virial[6], int * stat)
    __attribute__((weak));
#define _Bool bool
#include "aenet.h"
#undef _Bool
}

namespace {

void report(std::string const & message)
{
  // KIM logs go to kim.log; repeat on stderr so a simulator user sees the
  // reason next to the simulator's own error line.
  std::fprintf(stderr, "aenet KIM driver: %s\n", message.c_str());
}

// Checks that a file is a sequence of Fortran unformatted sequential records
// (4-byte length, payload, same 4-byte length) covering the file exactly: the
// layout of every .nn file. Catches truncated or non-.nn files before the
// library sees them (some libraries stop the process on a bad record).
bool checkRecordLayout(std::string const & path, std::string & why)
{
  std::FILE * f = std::fopen(path.c_str(), "rb");
  if (!f)
  {
    why = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  std::fseek(f, 0, SEEK_END);
  long const size = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  long pos = 0;
  int records = 0;
  bool ok = true;
  while (pos < size)
  {
    int32_t head = 0, tail = 0;
    if (pos + 4 > size || std::fread(&head, 4, 1, f) != 1 || head < 0
        || pos + 8 + (long) head > size)
    {
      ok = false;
      break;
    }
    std::fseek(f, head, SEEK_CUR);
    if (std::fread(&tail, 4, 1, f) != 1 || tail != head)
    {
      ok = false;
      break;
    }
    pos += 8 + (long) head;
    ++records;
  }
  std::fclose(f);
  if (!ok || records < 3)
  {
    std::ostringstream s;
    s << path << " is not an aenet .nn file (broken Fortran record at byte "
      << pos << ", file size " << size << ")";
    why = s.str();
    return false;
  }
  return true;
}

bool copyFile(std::string const & from, std::string const & to)
{
  std::ifstream in(from.c_str(), std::ios::binary);
  std::ofstream out(to.c_str(), std::ios::binary);
  if (!in || !out) return false;
  out << in.rdbuf();
  return bool(out);
}

std::string statusText(int stat)
{
  if (stat == AENET_ERR_INIT) return "AENET_ERR_INIT (library not initialised)";
  if (stat == AENET_ERR_MALLOC) return "AENET_ERR_MALLOC (out of memory)";
  if (stat == AENET_ERR_IO) return "AENET_ERR_IO (file missing or unreadable)";
  if (stat == AENET_ERR_TYPE) return "AENET_ERR_TYPE (species mismatch)";
  std::ostringstream s;
  s << "status " << stat;
  return s.str();
}

class AenetModel;
// The aenet API has one global potential set per process. The model object
// whose potentials are loaded; another model object reloads its own first.
AenetModel * g_loaded = nullptr;

class AenetModel
{
 public:
  std::vector<std::string> species;  // in aenet type order (type id = index+1)
  std::vector<std::string> potentialFiles;  // private copies, one per species
  std::string privateDirectory;
  double influenceDistance = 0.0;
  double cutoff = 0.0;
  int noNeighborsOfNoncontributing = 1;
  bool forceBasedVirial = false;

  // Scratch buffers, grown as needed (no per-atom allocation).
  std::vector<double> cooJ;
  std::vector<int> typeJ;
  std::vector<int> indexJ;
  std::vector<double> forceBefore;
  std::vector<double> scratchForces;

  ~AenetModel()
  {
    if (g_loaded == this)
    {
      int stat = 0;
      aenet_final(&stat);
      g_loaded = nullptr;
    }
    for (std::string const & file : potentialFiles) unlink(file.c_str());
    if (!privateDirectory.empty()) rmdir(privateDirectory.c_str());
  }

  // Makes this model's potentials the library's current set.
  bool load(std::string & why)
  {
    if (g_loaded == this) return true;
    int stat = 0;
    aenet_final(&stat);  // harmless when nothing is loaded
    g_loaded = nullptr;

    int const typeLength = AENET_TYPELEN > 64 ? AENET_TYPELEN : 64;
    // aenet reads TYPELEN+1 characters from each name: pad.
    std::vector<std::vector<char> > names(species.size(),
                                          std::vector<char>(typeLength + 2, 0));
    std::vector<char *> pointers(species.size());
    for (size_t i = 0; i < species.size(); ++i)
    {
      std::strncpy(names[i].data(), species[i].c_str(), typeLength);
      pointers[i] = names[i].data();
    }
    aenet_init((int) species.size(), pointers.data(), &stat);
    if (stat != AENET_OK)
    {
      why = "aenet_init failed: " + statusText(stat);
      return false;
    }
    for (size_t i = 0; i < species.size(); ++i)
    {
      std::vector<char> path(potentialFiles[i].begin(), potentialFiles[i].end());
      path.push_back(0);
      aenet_load_potential((int) i + 1, path.data(), &stat);
      if (stat != AENET_OK)
      {
        why = "aenet_load_potential failed for species " + species[i] + ": "
              + statusText(stat);
        aenet_final(&stat);
        return false;
      }
    }
    if (!aenet_all_loaded())
    {
      why = "the library reports that not all potentials are loaded";
      aenet_final(&stat);
      return false;
    }
    g_loaded = this;
    return true;
  }
};

// ---------------------------------------------------------------- compute --

#undef KIM_LOGGER_OBJECT_NAME
#define KIM_LOGGER_OBJECT_NAME modelCompute
int computeRoutine(KIM::ModelCompute const * const modelCompute,
                   KIM::ModelComputeArguments const * const arguments)
{
  AenetModel * model = nullptr;
  modelCompute->GetModelBufferPointer(reinterpret_cast<void **>(&model));

  int const * numberOfParticles = nullptr;
  int const * speciesCodes = nullptr;
  int const * contributing = nullptr;
  double const * coordinates = nullptr;
  double * energy = nullptr;
  double * forces = nullptr;
  double * particleEnergy = nullptr;
  double * virial = nullptr;
  double * particleVirial = nullptr;
  int error
      = arguments->GetArgumentPointer(
            KIM::COMPUTE_ARGUMENT_NAME::numberOfParticles, &numberOfParticles)
        || arguments->GetArgumentPointer(
            KIM::COMPUTE_ARGUMENT_NAME::particleSpeciesCodes, &speciesCodes)
        || arguments->GetArgumentPointer(
            KIM::COMPUTE_ARGUMENT_NAME::particleContributing, &contributing)
        || arguments->GetArgumentPointer(
            KIM::COMPUTE_ARGUMENT_NAME::coordinates, &coordinates)
        || arguments->GetArgumentPointer(
            KIM::COMPUTE_ARGUMENT_NAME::partialEnergy, &energy)
        || arguments->GetArgumentPointer(
            KIM::COMPUTE_ARGUMENT_NAME::partialForces, &forces)
        || arguments->GetArgumentPointer(
            KIM::COMPUTE_ARGUMENT_NAME::partialParticleEnergy, &particleEnergy)
        || arguments->GetArgumentPointer(
            KIM::COMPUTE_ARGUMENT_NAME::partialVirial, &virial)
        || arguments->GetArgumentPointer(
            KIM::COMPUTE_ARGUMENT_NAME::partialParticleVirial, &particleVirial);
  if (error)
  {
    LOG_ERROR("aenet: unable to get the compute argument pointers");
    report("unable to get the compute argument pointers");
    return true;
  }

  std::string why;
  if (!model->load(why))
  {
    LOG_ERROR("aenet: " + why);
    report(why);
    return true;
  }

  int const n = *numberOfParticles;
  int const nSpecies = (int) model->species.size();
  for (int i = 0; i < n; ++i)
  {
    if (speciesCodes[i] < 0 || speciesCodes[i] >= nSpecies)
    {
      std::ostringstream s;
      s << "particle " << i << " has species code " << speciesCodes[i]
        << ", the model has " << nSpecies << " species";
      LOG_ERROR("aenet: " + s.str());
      report(s.str());
      return true;
    }
  }

  bool const wantVirial = virial != nullptr || particleVirial != nullptr;
  // The library's own virial when it has one and no per-particle virial is
  // asked for (AENET_KIM_VIRIAL=forces selects the force-based virial).
  bool const libraryVirial = virial != nullptr && particleVirial == nullptr
                             && aenet_atomic_energy_forces_virial != nullptr
                             && !model->forceBasedVirial;
  bool const wantForces = forces != nullptr || wantVirial;

  if (energy) *energy = 0.0;
  if (particleEnergy)
    for (int i = 0; i < n; ++i) particleEnergy[i] = 0.0;
  if (virial)
    for (int k = 0; k < 6; ++k) virial[k] = 0.0;
  if (particleVirial)
    for (int i = 0; i < 6 * n; ++i) particleVirial[i] = 0.0;
  double * f = forces;
  if (wantForces && f == nullptr)
  {
    model->scratchForces.assign(3 * (size_t) n, 0.0);
    f = model->scratchForces.data();
  }
  if (forces)
    for (int i = 0; i < 3 * n; ++i) forces[i] = 0.0;

  double const cutoffSquared = model->cutoff * model->cutoff;
  if (model->cooJ.empty())
  {
    model->cooJ.resize(3 * 64);
    model->typeJ.resize(64);
    model->indexJ.resize(64);
    model->forceBefore.resize(3 * 65);
  }

  for (int i = 0; i < n; ++i)
  {
    if (!contributing[i]) continue;
    int numberOfNeighbors = 0;
    int const * neighbors = nullptr;
    if (arguments->GetNeighborList(0, i, &numberOfNeighbors, &neighbors))
    {
      LOG_ERROR("aenet: unable to get the neighbour list");
      report("unable to get the neighbour list");
      return true;
    }
    if ((size_t) numberOfNeighbors > model->typeJ.size())
    {
      size_t const capacity = (size_t) numberOfNeighbors * 2;
      model->cooJ.resize(3 * capacity);
      model->typeJ.resize(capacity);
      model->indexJ.resize(capacity);
      model->forceBefore.resize(3 * (capacity + 1));
    }
    double const * xi = coordinates + 3 * (size_t) i;
    double * cooJ = model->cooJ.data();
    int * typeJ = model->typeJ.data();
    int * indexJ = model->indexJ.data();
    int nj = 0;
    for (int jj = 0; jj < numberOfNeighbors; ++jj)
    {
      int const j = neighbors[jj];
      double const * xj = coordinates + 3 * (size_t) j;
      double const dx = xj[0] - xi[0];
      double const dy = xj[1] - xi[1];
      double const dz = xj[2] - xi[2];
      if (dx * dx + dy * dy + dz * dz >= cutoffSquared) continue;
      cooJ[3 * nj] = xj[0];
      cooJ[3 * nj + 1] = xj[1];
      cooJ[3 * nj + 2] = xj[2];
      typeJ[nj] = speciesCodes[j] + 1;
      indexJ[nj] = j + 1;
      ++nj;
    }

    double ei = 0.0;
    int stat = 0;
    double coo[3] = {xi[0], xi[1], xi[2]};
    if (wantForces)
    {
      double * before = model->forceBefore.data();
      if (libraryVirial)
      {
        double w[6] = {0, 0, 0, 0, 0, 0};
        aenet_atomic_energy_forces_virial(coo, speciesCodes[i] + 1, i + 1, nj,
                                          cooJ, typeJ, indexJ, n, &ei, f, w,
                                          &stat);
        // KIM's virial is -W, order xx yy zz yz xz xy.
        virial[0] -= w[0];
        virial[1] -= w[1];
        virial[2] -= w[2];
        virial[3] -= w[5];
        virial[4] -= w[4];
        virial[5] -= w[3];
      }
      else if (wantVirial)
      {
        for (int jj = 0; jj < nj; ++jj)
          for (int k = 0; k < 3; ++k)
            before[3 * jj + k] = f[3 * (size_t) (indexJ[jj] - 1) + k];
      }
      if (!libraryVirial)
        aenet_atomic_energy_and_forces(coo, speciesCodes[i] + 1, i + 1, nj,
                                       cooJ, typeJ, indexJ, n, &ei, f, &stat);
      if (wantVirial && !libraryVirial && stat == AENET_OK)
      {
        // Virial of E_i: -sum_j (r_j - r_i) (x) f_j^(i), where f_j^(i) is the
        // force E_i puts on neighbour j (translation invariance removes the
        // term of particle i). KIM order: xx yy zz yz xz xy.
        for (int jj = 0; jj < nj; ++jj)
        {
          size_t const j = (size_t) (indexJ[jj] - 1);
          double const fx = f[3 * j] - before[3 * jj];
          double const fy = f[3 * j + 1] - before[3 * jj + 1];
          double const fz = f[3 * j + 2] - before[3 * jj + 2];
          double const rx = cooJ[3 * jj] - xi[0];
          double const ry = cooJ[3 * jj + 1] - xi[1];
          double const rz = cooJ[3 * jj + 2] - xi[2];
          double const v[6] = {-rx * fx, -ry * fy, -rz * fz,
                               -0.5 * (ry * fz + rz * fy),
                               -0.5 * (rx * fz + rz * fx),
                               -0.5 * (rx * fy + ry * fx)};
          if (virial)
            for (int k = 0; k < 6; ++k) virial[k] += v[k];
          if (particleVirial)
            for (int k = 0; k < 6; ++k)
            {
              particleVirial[6 * (size_t) i + k] += 0.5 * v[k];
              particleVirial[6 * j + k] += 0.5 * v[k];
            }
        }
      }
    }
    else
    {
      aenet_atomic_energy(coo, speciesCodes[i] + 1, nj, cooJ, typeJ, &ei,
                          &stat);
    }
    if (stat != AENET_OK)
    {
      std::ostringstream s;
      s << "the library failed for particle " << i << " ("
        << model->species[speciesCodes[i]] << ", " << nj
        << " neighbours): " << statusText(stat);
      LOG_ERROR("aenet: " + s.str());
      report(s.str());
      return true;
    }
    if (energy) *energy += ei;
    if (particleEnergy) particleEnergy[i] += ei;
  }
  return false;
}

// ------------------------------------------------------ compute arguments --

#undef KIM_LOGGER_OBJECT_NAME
#define KIM_LOGGER_OBJECT_NAME modelComputeArgumentsCreate
int computeArgumentsCreate(
    KIM::ModelCompute const * const /* modelCompute */,
    KIM::ModelComputeArgumentsCreate * const modelComputeArgumentsCreate)
{
  int const error
      = modelComputeArgumentsCreate->SetArgumentSupportStatus(
            KIM::COMPUTE_ARGUMENT_NAME::partialEnergy,
            KIM::SUPPORT_STATUS::optional)
        || modelComputeArgumentsCreate->SetArgumentSupportStatus(
            KIM::COMPUTE_ARGUMENT_NAME::partialForces,
            KIM::SUPPORT_STATUS::optional)
        || modelComputeArgumentsCreate->SetArgumentSupportStatus(
            KIM::COMPUTE_ARGUMENT_NAME::partialParticleEnergy,
            KIM::SUPPORT_STATUS::optional)
        || modelComputeArgumentsCreate->SetArgumentSupportStatus(
            KIM::COMPUTE_ARGUMENT_NAME::partialVirial,
            KIM::SUPPORT_STATUS::optional)
        || modelComputeArgumentsCreate->SetArgumentSupportStatus(
            KIM::COMPUTE_ARGUMENT_NAME::partialParticleVirial,
            KIM::SUPPORT_STATUS::optional);
  if (error)
  {
    LOG_ERROR("aenet: unable to set the argument support status");
    return true;
  }
  return false;
}

int computeArgumentsDestroy(
    KIM::ModelCompute const * const /* modelCompute */,
    KIM::ModelComputeArgumentsDestroy * const /* destroy */)
{
  return false;
}

int destroyRoutine(KIM::ModelDestroy * const modelDestroy)
{
  AenetModel * model = nullptr;
  modelDestroy->GetModelBufferPointer(reinterpret_cast<void **>(&model));
  delete model;
  return false;
}

// Reads the settings file: header "aenet-kim-model 1", then "<species> <file>"
// lines; '#' starts a comment.
bool readSettings(std::string const & path,
                  std::vector<std::string> & species,
                  std::vector<std::string> & files,
                  std::string & why)
{
  std::ifstream in(path.c_str());
  if (!in)
  {
    why = "cannot open the settings file " + path;
    return false;
  }
  std::string line;
  bool header = false;
  int lineNumber = 0;
  while (std::getline(in, line))
  {
    ++lineNumber;
    size_t const hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::string first, second, extra;
    if (!(words >> first)) continue;
    words >> second;
    if (!header)
    {
      if (first != "aenet-kim-model" || second != "1")
      {
        why = "settings file " + path
              + " does not start with 'aenet-kim-model 1' (not written by "
                "kim-model?)";
        return false;
      }
      header = true;
      continue;
    }
    if (second.empty() || (words >> extra))
    {
      std::ostringstream s;
      s << "settings file " << path << " line " << lineNumber
        << ": expected '<species> <file.nn>'";
      why = s.str();
      return false;
    }
    for (std::string const & known : species)
      if (known == first)
      {
        why = "settings file " + path + ": species " + first + " given twice";
        return false;
      }
    species.push_back(first);
    files.push_back(second);
  }
  if (!header || species.empty())
  {
    why = "settings file " + path + " lists no species";
    return false;
  }
  return true;
}

}  // namespace

// ----------------------------------------------------------------- create --

#undef KIM_LOGGER_OBJECT_NAME
#define KIM_LOGGER_OBJECT_NAME modelDriverCreate
extern "C" int
model_driver_create(KIM::ModelDriverCreate * const modelDriverCreate,
                    KIM::LengthUnit const /* requestedLengthUnit */,
                    KIM::EnergyUnit const /* requestedEnergyUnit */,
                    KIM::ChargeUnit const /* requestedChargeUnit */,
                    KIM::TemperatureUnit const /* requestedTemperatureUnit */,
                    KIM::TimeUnit const /* requestedTimeUnit */)
{
  auto fail = [&](std::string const & why) {
    LOG_ERROR("aenet: " + why);
    report(why);
    return true;
  };

  if (modelDriverCreate->SetUnits(KIM::LENGTH_UNIT::A,
                                  KIM::ENERGY_UNIT::eV,
                                  KIM::CHARGE_UNIT::unused,
                                  KIM::TEMPERATURE_UNIT::unused,
                                  KIM::TIME_UNIT::unused))
    return fail("unable to set the units (Å, eV)");
  if (modelDriverCreate->SetModelNumbering(KIM::NUMBERING::zeroBased))
    return fail("unable to set the numbering");

  int numberOfFiles = 0;
  modelDriverCreate->GetNumberOfParameterFiles(&numberOfFiles);
  if (numberOfFiles < 2)
    return fail("a model needs a settings file and at least one .nn file as "
                "parameter files");
  std::string const * directory = nullptr;
  modelDriverCreate->GetParameterFileDirectoryName(&directory);
  std::vector<std::string> basenames(numberOfFiles);
  for (int i = 0; i < numberOfFiles; ++i)
  {
    std::string const * name = nullptr;
    if (modelDriverCreate->GetParameterFileBasename(i, &name))
      return fail("unable to get the parameter file names");
    basenames[i] = *name;
  }

  std::vector<std::string> species, files;
  std::string why;
  if (!readSettings(*directory + "/" + basenames[0], species, files, why))
    return fail(why);

  AenetModel * model = new AenetModel();
  model->species = species;
  char const * virialChoice = std::getenv("AENET_KIM_VIRIAL");
  model->forceBasedVirial
      = virialChoice != nullptr && std::string(virialChoice) == "forces";
  auto failAndDelete = [&](std::string const & reason) {
    delete model;
    return fail(reason);
  };

  // Private copies of the .nn files: KIM removes its parameter directory
  // after create, and the library may have to reload them later.
  char const * tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp")
                        + "/aenet-kim-XXXXXX";
  std::vector<char> patternBuffer(pattern.begin(), pattern.end());
  patternBuffer.push_back(0);
  if (!mkdtemp(patternBuffer.data()))
    return failAndDelete("cannot create a temporary folder in "
                         + std::string(tmp && *tmp ? tmp : "/tmp"));
  model->privateDirectory = patternBuffer.data();

  for (size_t s = 0; s < species.size(); ++s)
  {
    KIM::SpeciesName const name(species[s]);
    if (!name.Known())
      return failAndDelete("species '" + species[s]
                           + "' of the settings file is not a KIM species name");
    bool found = false;
    for (int i = 1; i < numberOfFiles; ++i)
      if (basenames[i] == files[s]) found = true;
    if (!found)
      return failAndDelete("parameter file '" + files[s] + "' (species "
                           + species[s] + ") is not part of the model");
    std::string const source = *directory + "/" + files[s];
    if (!checkRecordLayout(source, why)) return failAndDelete(why);
    std::ostringstream copy;
    copy << model->privateDirectory << "/" << s + 1 << "-" << species[s]
         << ".nn";
    if (!copyFile(source, copy.str()))
      return failAndDelete("cannot copy " + source + " to " + copy.str());
    model->potentialFiles.push_back(copy.str());
    if (modelDriverCreate->SetSpeciesCode(name, (int) s))
      return failAndDelete("unable to set the species code of " + species[s]);
  }

  if (!model->load(why)) return failAndDelete(why);
  model->cutoff = aenet_Rc_max;
  model->influenceDistance = aenet_Rc_max;
  if (!(model->cutoff > 0.0) || !std::isfinite(model->cutoff))
    return failAndDelete("the library reports an invalid cutoff radius");

  {
    std::ostringstream s;
    s << "aenet: species";
    for (std::string const & name : species) s << " " << name;
    s << ", cutoff " << model->cutoff << " A, virial from "
      << (aenet_atomic_energy_forces_virial != nullptr && !model->forceBasedVirial
              ? "the library (aenet_atomic_energy_forces_virial)"
              : "the forces");
    LOG_INFORMATION(s.str());
  }
  modelDriverCreate->SetModelBufferPointer(static_cast<void *>(model));
  modelDriverCreate->SetInfluenceDistancePointer(&model->influenceDistance);
  modelDriverCreate->SetNeighborListPointers(
      1, &model->cutoff, &model->noNeighborsOfNoncontributing);

  int error
      = modelDriverCreate->SetRoutinePointer(
            KIM::MODEL_ROUTINE_NAME::ComputeArgumentsCreate,
            KIM::LANGUAGE_NAME::cpp,
            true,
            reinterpret_cast<KIM::Function *>(computeArgumentsCreate))
        || modelDriverCreate->SetRoutinePointer(
            KIM::MODEL_ROUTINE_NAME::ComputeArgumentsDestroy,
            KIM::LANGUAGE_NAME::cpp,
            true,
            reinterpret_cast<KIM::Function *>(computeArgumentsDestroy))
        || modelDriverCreate->SetRoutinePointer(
            KIM::MODEL_ROUTINE_NAME::Compute,
            KIM::LANGUAGE_NAME::cpp,
            true,
            reinterpret_cast<KIM::Function *>(computeRoutine))
        || modelDriverCreate->SetRoutinePointer(
            KIM::MODEL_ROUTINE_NAME::Destroy,
            KIM::LANGUAGE_NAME::cpp,
            true,
            reinterpret_cast<KIM::Function *>(destroyRoutine));
  if (error)
  {
    modelDriverCreate->SetModelBufferPointer(nullptr);
    return failAndDelete("unable to register the model routines");
  }
  return false;
}
